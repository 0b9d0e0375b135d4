package session

import (
	"os"
	"testing"
)

// TestServerVolume: the watch state reaches a companion served later and
// follows SetVolumeWatch; SetVolume numbers its requests; a Volume report
// made before the last SetVolume was applied is dropped, a later one is an
// event.
func TestServerVolume(t *testing.T) {
	ts := newServer(t, seatFor(os.Getuid()), Options{})
	if ts.SetVolume(0.5) {
		t.Fatal("SetVolume accepted without a companion")
	}
	ts.SetVolumeWatch(true)
	rc := dial(t, ts.Path())
	rc.handshake(t, ts)
	if m := rc.recv(t); m.Type != TVolumeWatch || !m.On {
		t.Fatalf("got %+v, want VolumeWatch on for a companion served while watched", m)
	}
	rc.send(t, Msg{Type: TVolume, Level: 420, Available: true})
	if ev := ts.next(t, Volume); ev.Level != 0.42 || !ev.Available || ev.Muted {
		t.Fatalf("Volume = %+v, want 0.42 available", ev)
	}
	if !ts.SetVolume(0.5) || !ts.SetVolume(1.7) {
		t.Fatal("SetVolume refused with a companion")
	}
	if m := rc.recv(t); m.Type != TSetVolume || m.ID != 1 || m.Level != 500 {
		t.Fatalf("got %+v, want SetVolume 1 at 500", m)
	}
	if m := rc.recv(t); m.Type != TSetVolume || m.ID != 2 || m.Level != MaxLevel {
		t.Fatalf("got %+v, want SetVolume 2 clamped to %d", m, MaxLevel)
	}
	rc.send(t, Msg{Type: TVolume, ID: 1, Level: 500, Available: true})              // before the last set: stale
	rc.send(t, Msg{Type: TVolume, ID: 2, Level: 990, Muted: true, Available: true}) // after it
	if ev := ts.next(t, Volume); ev.Level != 0.99 || !ev.Muted {
		t.Fatalf("Volume = %+v, want 0.99 muted (the report older than the last SetVolume dropped)", ev)
	}
	ts.SetVolumeWatch(true) // no change: nothing sent
	ts.SetVolumeWatch(false)
	if m := rc.recv(t); m.Type != TVolumeWatch || m.On {
		t.Fatalf("got %+v, want VolumeWatch off", m)
	}
	rc.c.Close()
	ts.next(t, Disconnected)
}
