package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"time"
)

// options are the test vCenter's command line. The password may come from the environment
// (VCSIM_PASSWORD) so that it does not show in the process list.
type options struct {
	port               int
	controlPort        int
	username           string
	password           string
	plainHTTP          bool
	certFile           string
	keyFile            string
	certValidDays      int
	eventHistorySize   int
	firstEventKey      int32
	vmsPerPool         int
	sessionIdleTimeout time.Duration
	exitOnStdinEOF     bool
}

const passwordEnv = "VCSIM_PASSWORD"

func parseOptions(args []string, stderr io.Writer) (options, error) {
	var o options
	var firstKey int64

	fs := flag.NewFlagSet("vcsim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.port, "port", 0, "SDK port on 127.0.0.1 (0: a free port)")
	fs.IntVar(&o.controlPort, "control-port", 0, "test-only control port (0: a free one)")
	fs.StringVar(&o.username, "username", "user", "the only user that can log in")
	fs.StringVar(&o.password, "password", "pass", "its password ($"+passwordEnv+" wins when set)")
	fs.BoolVar(&o.plainHTTP, "http", false, "serve plain http instead of https")
	fs.StringVar(&o.certFile, "cert", "", "PEM certificate, loaded or else generated here")
	fs.StringVar(&o.keyFile, "key", "", "PEM private key, beside -cert (written with mode 0600)")
	fs.IntVar(&o.certValidDays, "cert-valid-days", 365, "validity of a generated certificate")
	fs.IntVar(&o.eventHistorySize, "event-history", 10000, "events kept (oldest dropped first)")
	fs.Int64Var(&firstKey, "first-event-key", 1, "key of the first event (int32; keys wrap)")
	fs.IntVar(&o.vmsPerPool, "vm", 2, "virtual machines per resource pool")
	fs.DurationVar(&o.sessionIdleTimeout, "session-idle-timeout", 0, "idle session end (0: never)")
	fs.BoolVar(&o.exitOnStdinEOF, "exit-on-stdin-eof", false, "exit when stdin closes")

	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if password, ok := os.LookupEnv(passwordEnv); ok {
		o.password = password
	}
	if firstKey < math.MinInt32 || firstKey > math.MaxInt32 {
		return o, fmt.Errorf("-first-event-key %d is not an int32", firstKey)
	}
	o.firstEventKey = int32(firstKey)

	return o, o.check()
}

func (o options) check() error {
	switch {
	case o.port < 0 || o.port > 65535:
		return fmt.Errorf("-port %d is out of range", o.port)
	case o.controlPort < 0 || o.controlPort > 65535:
		return fmt.Errorf("-control-port %d is out of range", o.controlPort)
	case o.username == "" || o.password == "":
		return errors.New("-username and the password must not be empty")
	case (o.certFile == "") != (o.keyFile == ""):
		return errors.New("-cert and -key go together")
	case o.plainHTTP && o.certFile != "":
		return errors.New("-http serves no certificate; drop -cert and -key")
	case o.certValidDays < 1:
		return fmt.Errorf("-cert-valid-days %d must be at least 1", o.certValidDays)
	case o.eventHistorySize < 1:
		return fmt.Errorf("-event-history %d must be at least 1", o.eventHistorySize)
	case o.vmsPerPool < 0:
		return fmt.Errorf("-vm %d must not be negative", o.vmsPerPool)
	case o.sessionIdleTimeout < 0:
		return fmt.Errorf("-session-idle-timeout %s must not be negative", o.sessionIdleTimeout)
	}
	return nil
}
