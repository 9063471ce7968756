package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/vmware/govmomi/simulator"
)

// The control server is TEST-ONLY: plain http on 127.0.0.1, no authentication, for test
// harnesses and benchmarks to act on the simulator in ways a vCenter offers no API for.
//
//	POST /burst?count=N[&seed=S]  post N events of mixed kinds; answers when all are posted
//	POST /expire-sessions         end every session (next call: NotAuthenticated)
//	GET  /status                  events in the history and the newest key

const maxBurstCount = 2_000_000

type controlServer struct {
	placements []vmPlacement
	server     *http.Server
}

func startControlServer(port int, placements []vmPlacement) (*controlServer, net.Addr, error) {
	listener, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return nil, nil, fmt.Errorf("control server: %w", err)
	}

	c := &controlServer{placements: placements}
	mux := http.NewServeMux()
	mux.HandleFunc("/burst", c.onlyPost(c.burst))
	mux.HandleFunc("/expire-sessions", c.onlyPost(c.expireSessions))
	mux.HandleFunc("/status", c.status)
	c.server = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}

	go func() { _ = c.server.Serve(listener) }()
	return c, listener.Addr(), nil
}

func (c *controlServer) close() {
	_ = c.server.Close()
}

func (c *controlServer) onlyPost(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			writeError(w, http.StatusMethodNotAllowed, r.URL.Path+" takes POST")
			return
		}
		h(w, r)
	}
}

func (c *controlServer) burst(w http.ResponseWriter, r *http.Request) {
	count, err := strconv.Atoi(r.URL.Query().Get("count"))
	if err != nil || count < 1 || count > maxBurstCount {
		writeError(w, http.StatusBadRequest,
			fmt.Sprintf("count must be an integer from 1 to %d", maxBurstCount))
		return
	}
	if len(c.placements) == 0 {
		writeError(w, http.StatusConflict, "the model has no virtual machine to post events about")
		return
	}
	seed := int64(1)
	if s := r.URL.Query().Get("seed"); s != "" {
		if seed, err = strconv.ParseInt(s, 10, 64); err != nil {
			writeError(w, http.StatusBadRequest, "seed must be an integer")
			return
		}
	}

	writeJSON(w, postBurst(c.placements, count, seed))
}

func (c *controlServer) expireSessions(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, map[string]int{"expired": simulator.ExpireAllSessions()})
}

func (c *controlServer) status(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		writeError(w, http.StatusMethodNotAllowed, "/status takes GET")
		return
	}
	events, lastKey := simulator.Map.EventManager().HistoryStats()
	writeJSON(w, map[string]interface{}{"events": events, "lastEventKey": lastKey})
}

func writeJSON(w http.ResponseWriter, body interface{}) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(body)
}

func writeError(w http.ResponseWriter, status int, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": message})
}
