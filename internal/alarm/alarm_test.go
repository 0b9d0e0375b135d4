package alarm

import (
	"testing"
	"time"
)

func newAlarm(t *testing.T) *Alarm {
	t.Helper()
	a, err := New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func TestResetFires(t *testing.T) {
	a := newAlarm(t)
	start := time.Now()
	a.Reset(5 * time.Millisecond)
	select {
	case at := <-a.C():
		if at.Sub(start) < 5*time.Millisecond {
			t.Errorf("fired after %v, set for 5ms", at.Sub(start))
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no expiry")
	}
	if err := a.Err(); err != nil {
		t.Error(err)
	}
}

// A stopped alarm does not fire; set again, it does.
func TestStopDisarms(t *testing.T) {
	a := newAlarm(t)
	a.Reset(5 * time.Millisecond)
	a.Stop()
	select {
	case <-a.C():
		t.Fatal("a stopped alarm fired")
	case <-time.After(50 * time.Millisecond):
	}
	a.Reset(time.Millisecond)
	select {
	case <-a.C():
	case <-time.After(10 * time.Second):
		t.Fatal("no expiry after Reset")
	}
}

// Reset replaces the earlier setting: one expiry, at the later time.
func TestResetReplaces(t *testing.T) {
	a := newAlarm(t)
	a.Reset(time.Hour)
	a.Reset(time.Millisecond)
	select {
	case <-a.C():
	case <-time.After(10 * time.Second):
		t.Fatal("no expiry")
	}
	a.Reset(2 * time.Millisecond)
	a.Reset(time.Hour)
	select {
	case <-a.C():
		t.Fatal("fired at the replaced time")
	case <-time.After(30 * time.Millisecond):
	}
}

// Setting the alarm is on the touch path: it allocates nothing.
func TestSetAllocs(t *testing.T) {
	a := newAlarm(t)
	if n := testing.AllocsPerRun(100, func() {
		a.Reset(time.Hour)
		a.Stop()
	}); n != 0 {
		t.Errorf("%v allocations per Reset+Stop", n)
	}
}

func TestCloseStopsGoroutine(t *testing.T) {
	a, err := New()
	if err != nil {
		t.Fatal(err)
	}
	a.Reset(time.Hour)
	if err := a.Close(); err != nil {
		t.Error(err)
	}
	a.Reset(time.Millisecond) // after Close: ignored, no panic
	a.Stop()
}

func BenchmarkResetStop(b *testing.B) {
	a, err := New()
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	b.ReportAllocs()
	for b.Loop() {
		a.Reset(time.Hour)
		a.Stop()
	}
}

// Every ticks again and again, at its pace, until stopped.
func TestEveryTicks(t *testing.T) {
	a := newAlarm(t)
	start := time.Now()
	a.Every(5 * time.Millisecond)
	for i := 1; i <= 3; i++ {
		select {
		case <-a.C():
		case <-time.After(10 * time.Second):
			t.Fatalf("tick %d never came", i)
		}
		if since := time.Since(start); since < time.Duration(i)*5*time.Millisecond {
			t.Errorf("tick %d after %v", i, since)
		}
	}
	a.Stop()
	time.Sleep(20 * time.Millisecond)
	select {
	case <-a.C():
		t.Error("ticked after Stop")
	default:
	}
	if err := a.Err(); err != nil {
		t.Error(err)
	}
}
