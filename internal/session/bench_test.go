package session

import (
	"context"
	"os"
	"testing"
	"time"

	"tiny-dfr/internal/logging/loggingtest"
)

// BenchmarkTapToStarted: Server.Run → the companion's Started event (the
// command forked and exec'd by sh), over a real socket.
func BenchmarkTapToStarted(b *testing.B) {
	ts := newServerB(b)
	startCompanionB(b, ts)
	ts.nextB(b, Connected)
	id := uint32(0)
	for b.Loop() {
		id++
		if !ts.Run(id, "true") {
			b.Fatal("Run refused")
		}
		ts.nextB(b, Started)
	}
}

func (ts *testServer) nextB(b *testing.B, kind EventKind) Event {
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		select {
		case ev := <-ts.Events():
			if ev.Kind == kind {
				return ev
			}
		case <-timer.C:
			b.Fatalf("no event of kind %d", kind)
		}
	}
}

func newServerB(b *testing.B) *testServer {
	base := b.TempDir()
	seats := base + "/seats"
	os.Mkdir(seats, 0o755)
	os.WriteFile(seats+"/seat0", []byte(seatFor(os.Getuid())), 0o644)
	// Rate: the throttle would pace the loop, not the path measured.
	s, err := Listen(base+"/run", Options{SeatsDir: seats, Rate: 1e6})
	if err != nil {
		b.Fatal(err)
	}
	s.Start()
	b.Cleanup(func() { s.Close() })
	return &testServer{Server: s, seats: seats, log: &loggingtest.Buffer{}}
}

func startCompanionB(b *testing.B, ts *testServer) {
	c := Companion{Socket: ts.Path(), AnyServer: true, MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond,
		Getenv: func(string) string { return "" }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { c.Run(ctx); close(done) }()
	b.Cleanup(func() { cancel(); <-done })
}
