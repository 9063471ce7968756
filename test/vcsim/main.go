// Command vcsim is the project's test vCenter: govmomi's simulator (VPX model: a datacenter,
// a cluster of hosts, a standalone host, a few VMs) on 127.0.0.1, with fixed credentials,
// TLS with a certificate tests can pin, a vCenter-like event history (the overlay under
// overlay/) and a test-only control server. Once both servers listen it prints one JSON line
// on stdout describing them; SIGTERM or SIGINT stops it. Build it with `make vcsim`.
package main

import (
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/vmware/govmomi/simulator"
)

// readyLine is the JSON line on stdout. It never holds the password.
type readyLine struct {
	SDKURL           string `json:"sdkUrl"`
	ControlURL       string `json:"controlUrl"`
	Username         string `json:"username"`
	Port             int    `json:"port"`
	ControlPort      int    `json:"controlPort"`
	TLS              bool   `json:"tls"`
	CertFile         string `json:"certFile,omitempty"`
	ThumbprintSHA256 string `json:"thumbprintSha256,omitempty"`
	ThumbprintSHA1   string `json:"thumbprintSha1,omitempty"`
	EventHistorySize int    `json:"eventHistorySize"`
	FirstEventKey    int32  `json:"firstEventKey"`
	PID              int    `json:"pid"`
}

func main() {
	opts, err := parseOptions(os.Args[1:], os.Stderr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "vcsim: %s\n", err)
		os.Exit(2)
	}
	if err := run(opts); err != nil {
		fmt.Fprintf(os.Stderr, "vcsim: %s\n", err)
		os.Exit(1)
	}
}

func run(opts options) error {
	// The overlay reads these when the model creates the EventManager.
	simulator.EventHistorySize = opts.eventHistorySize
	simulator.FirstEventKey = opts.firstEventKey
	simulator.SessionIdleTimeout = opts.sessionIdleTimeout

	model := simulator.VPX()
	model.Machine = opts.vmsPerPool
	if err := model.Create(); err != nil {
		return fmt.Errorf("create model: %w", err)
	}
	defer model.Remove()

	ready := readyLine{
		Username:         opts.username,
		TLS:              !opts.plainHTTP,
		EventHistorySize: opts.eventHistorySize,
		FirstEventKey:    opts.firstEventKey,
		PID:              os.Getpid(),
	}
	if !opts.plainHTTP {
		cert, err := loadOrCreateCertificate(opts.certFile, opts.keyFile, opts.certValidDays)
		if err != nil {
			return err
		}
		model.Service.TLS = &tls.Config{Certificates: []tls.Certificate{cert.tls}}
		ready.CertFile = opts.certFile
		ready.ThumbprintSHA256 = cert.thumbprintSHA256()
		ready.ThumbprintSHA1 = cert.thumbprintSHA1()
	}

	model.Service.Listen = &url.URL{
		Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(opts.port)),
		User: url.UserPassword(opts.username, opts.password),
	}
	server, err := newServer(model.Service)
	if err != nil {
		return err
	}
	defer server.Close()

	placements, err := snapshotInventory()
	if err != nil {
		return err
	}
	control, controlAddr, err := startControlServer(opts.controlPort, placements)
	if err != nil {
		return err
	}
	defer control.close()

	ready.Port = server.Listener.Addr().(*net.TCPAddr).Port
	ready.ControlPort = controlAddr.(*net.TCPAddr).Port
	sdk := url.URL{Scheme: server.URL.Scheme, Host: server.URL.Host, Path: "/sdk"}
	ready.SDKURL = sdk.String() // server.URL carries the password
	ready.ControlURL = "http://" + controlAddr.String()
	if err := json.NewEncoder(os.Stdout).Encode(ready); err != nil {
		return fmt.Errorf("write ready line: %w", err)
	}

	waitForStop(opts.exitOnStdinEOF)
	return nil
}

// newServer starts the SDK server; the simulator panics when it cannot listen, which is
// turned into an error naming the address.
func newServer(service *simulator.Service) (server *simulator.Server, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("listen on %s: %v", service.Listen.Host, r)
		}
	}()
	return service.NewServer(), nil
}

// waitForStop returns on SIGTERM or SIGINT, or when stdin closes if asked: a harness that
// dies without stopping us closes our stdin, and we should not outlive it.
func waitForStop(exitOnStdinEOF bool) {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)

	stdinClosed := make(chan struct{})
	if exitOnStdinEOF {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			close(stdinClosed)
		}()
	}

	select {
	case <-stop:
	case <-stdinClosed:
	}
}
