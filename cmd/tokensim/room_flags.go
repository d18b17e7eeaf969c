package main

import (
	"crypto/tls"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/sim"
	"github.com/tokensim/tokensim/workshop"
)

// roomFlags are a room's access flags, the same for tokensim ssh and
// tokensim web: who gets in, and the limits every session is held to
// whichever door it came through (workshop.Door).
type roomFlags struct {
	idle, maxAge            durationFlag
	maxSessions, instrSlots int
	perAddr                 int
	login                   workshop.LoginLimits
	password, instrPassword string
	memBudget               bool
	// The policy every lesson of the room runs under.
	preset string
	sets   settings
	seed   uint64
}

// addRoomFlags defines the room's access flags on fs, with their
// defaults.
func addRoomFlags(fs *flags) *roomFlags {
	rf := &roomFlags{idle: durationFlag(30 * time.Minute), maxSessions: 200, instrSlots: 1, perAddr: 10, login: workshop.DefaultLoginLimits()}
	fs.Var(&rf.idle, "idle-timeout", "end a session with no key this long, unless it follows a led room (a `duration`, e.g. 30m or 1h; 0: never)")
	fs.Var(&rf.maxAge, "max-duration", "end any connection this old (a `duration`, e.g. 2h; 0: never)")
	fs.Var((*countFlag)(&rf.maxSessions), "max-sessions", "players running at once, instructors included (a `count`; 0: no limit)")
	fs.Var((*countFlag)(&rf.instrSlots), "instructor-slots", "of --max-sessions, places only instructors may take (a `count`; none kept without an instructor credential: --instructor-password, or --instructor-key over SSH)")
	fs.Var((*countFlag)(&rf.perAddr), "max-per-addr", "logged-in attendee connections from one address at once (a `count`; 0: no limit)")
	fs.Var((*countFlag)(&rf.login.MaxFailures), "max-login-failures", "wrong passwords (a `count`) from one address within a minute before its passwords are refused for a minute (0: no limit)")
	fs.BoolVar(&rf.memBudget, "memory-budget", false, "keep the Go runtime's memory limit at what the room holds: about half the memory per session, for more CPU (README, Performance; GOMEMLIMIT in the environment wins)")
	fs.StringVar(&rf.preset, "preset", "", "run every lesson under this preset instead of the lesson's")
	fs.Var(&rf.sets, "set", "change a policy knob, key=value (repeatable); keys: "+strings.Join(sim.Knobs(), ", "))
	fs.Uint64Var(&rf.seed, "seed", 1, "seed")
	fs.StringVar(&rf.password, "password", "", "attendees' shared password (default: anyone gets in)")
	fs.StringVar(&rf.instrPassword, "instructor-password", "", "the instructor's password, for the name \""+workshop.InstructorUser+"\"")
	return rf
}

// check reports what is wrong with the flags' values ("" when nothing
// is); instructorKey says whether an instructor key was also given.
func (rf *roomFlags) check(instructorKey bool) string {
	if rf.idle < 0 || rf.maxAge < 0 || rf.maxSessions < 0 || rf.instrSlots < 0 || rf.perAddr < 0 || rf.login.MaxFailures < 0 {
		return "timeouts and limits cannot be negative"
	}
	if rf.maxSessions > 0 && rf.instrSlots >= rf.maxSessions && (instructorKey || rf.instrPassword != "") {
		return fmt.Sprintf("--instructor-slots (%d) must be fewer than --max-sessions (%d): attendees need a place", rf.instrSlots, rf.maxSessions)
	}
	if rf.password != "" && rf.password == rf.instrPassword {
		return "--password and --instructor-password must differ"
	}
	return ""
}

// lessons is the catalogue every session opens and the run the flags
// set, checked against every lesson. bad is the user's (a policy some
// lesson refuses: exit 2), broken the build's (the catalogue).
func (rf *roomFlags) lessons() (cat []*scenarios.Scenario, run scenarios.Options, bad, broken error) {
	run = scenarios.Options{Preset: rf.preset, Set: rf.sets, Seed: rf.seed}
	cat, err := scenarios.Catalogue()
	if err != nil {
		return nil, run, nil, fmt.Errorf("the built-in catalogue is broken: %w", err)
	}
	for _, sc := range cat {
		if _, _, err := scenarios.Policy(sc, run); err != nil {
			return nil, run, err, nil
		}
	}
	return cat, run, nil, nil
}

// config is the room's configuration the flags set; the caller adds the
// lessons, the log and what only its door has.
func (rf *roomFlags) config() workshop.Config {
	return workshop.Config{
		Auth:        workshop.Auth{Password: rf.password, InstructorPassword: rf.instrPassword},
		IdleTimeout: time.Duration(rf.idle), MaxTimeout: time.Duration(rf.maxAge),
		MaxSessions: rf.maxSessions, InstructorSlots: rf.instrSlots, MaxPerAddr: rf.perAddr, Login: rf.login,
		// The server is the process: its memory limit may follow the
		// room, unless GOMEMLIMIT sets one (the Go runtime reads it).
		MemoryBudget: rf.memBudget && os.Getenv("GOMEMLIMIT") == "",
	}
}

// tlsFlags are --tls-cert and --tls-key: the web door over HTTPS.
type tlsFlags struct{ cert, key string }

func addTLSFlags(fs *flags) *tlsFlags {
	tf := &tlsFlags{}
	fs.StringVar(&tf.cert, "tls-cert", "", "serve the web page over HTTPS with this certificate (a PEM `file`, with --tls-key)")
	fs.StringVar(&tf.key, "tls-key", "", "the certificate's private key (a PEM `file`, with --tls-cert)")
	return tf
}

// check reports what is wrong ("" when nothing is): both flags or
// neither, and a pair that loads.
func (tf *tlsFlags) check() string {
	switch {
	case tf.cert == "" && tf.key == "":
		return ""
	case tf.cert == "" || tf.key == "":
		return "--tls-cert and --tls-key go together: give both (or neither, for plain HTTP)"
	}
	if _, err := tls.LoadX509KeyPair(tf.cert, tf.key); err != nil {
		return fmt.Sprintf("--tls-cert/--tls-key: %v", err)
	}
	return ""
}

func (tf *tlsFlags) on() bool { return tf.cert != "" }
