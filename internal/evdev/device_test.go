package evdev

import (
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func digitizerKernel() *fakeKernel {
	return &fakeKernel{
		name: "Apple Inc. Touch Bar Display Touchpad",
		id:   InputID{Bustype: BusUSB, Vendor: 0x05ac, Product: 0x8302},
		bits: map[int][]int{
			0:     {EvSyn, EvKey, EvAbs},
			EvKey: {BtnTouch},
			EvAbs: {AbsX, AbsY, AbsMtSlot, AbsMtPositionX, AbsMtPositionY, AbsMtTrackingID},
			-1:    {PropDirect},
		},
		abs: map[int]AbsInfo{
			AbsMtSlot:      {Maximum: 10},
			AbsMtPositionX: {Minimum: 0, Maximum: 2007},
		},
		slots: map[int][]int32{AbsMtTrackingID: {7, -1, 9}},
	}
}

// pipeDevice gives a Device reading the read end of a non-blocking pipe.
func pipeDevice(t *testing.T, k *fakeKernel) (*Device, *os.File) {
	t.Helper()
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_NONBLOCK|unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	r := os.NewFile(uintptr(p[0]), "/dev/input/event7")
	w := os.NewFile(uintptr(p[1]), "pipe-w")
	d, err := New(r, k.ioctl)
	if err != nil {
		r.Close()
		w.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close(); w.Close() })
	return d, w
}

func TestNewReadsDescription(t *testing.T) {
	t.Parallel()
	k := digitizerKernel()
	d, _ := pipeDevice(t, k)
	if d.Name != k.name || d.ID != k.id || d.Path != "/dev/input/event7" {
		t.Errorf("info = %q %+v %q", d.Name, d.ID, d.Path)
	}
	if !d.EV.Has(EvAbs) || d.EV.Has(EvRel) || !d.Key.Has(BtnTouch) || !d.Abs.Has(AbsMtTrackingID) || !d.Prop.Has(PropDirect) {
		t.Errorf("bits wrong: ev %v key? abs %v prop %v", d.EV, d.Abs, d.Prop)
	}
	a, err := d.AbsInfo(AbsMtPositionX)
	if err != nil || a.Maximum != 2007 {
		t.Errorf("AbsInfo = %+v, %v", a, err)
	}
	vals := make([]int32, 3)
	if err := d.MTSlots(AbsMtTrackingID, vals); err != nil || vals[0] != 7 || vals[1] != -1 || vals[2] != 9 {
		t.Errorf("MTSlots = %v, %v", vals, err)
	}
}

func TestErrnoKept(t *testing.T) {
	t.Parallel()
	k := digitizerKernel()
	k.fail = map[uintptr]unix.Errno{eviocgabs(AbsMtPositionX): unix.ENODEV, eviocgid: unix.EACCES}
	d, _ := pipeDevice(t, digitizerKernel())
	d.ioctl = k.ioctl // the device goes away after open
	_, err := d.AbsInfo(AbsMtPositionX)
	if !errors.Is(err, ErrGone) || !errors.Is(err, unix.ENODEV) {
		t.Errorf("AbsInfo on a gone device: %v", err)
	}
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_NONBLOCK|unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	r := os.NewFile(uintptr(p[0]), "r")
	defer r.Close()
	defer unix.Close(p[1])
	if _, err := New(r, k.ioctl); !errors.Is(err, unix.EACCES) || errors.Is(err, ErrGone) {
		t.Errorf("New with EACCES on EVIOCGID: %v", err)
	}
}

func TestReadDecodesAndCloseInterrupts(t *testing.T) {
	t.Parallel()
	d, w := pipeDevice(t, digitizerKernel())
	want := []RawEvent{
		{Sec: 5, Usec: 6, Type: EvAbs, Code: AbsMtTrackingID, Value: 3},
		{Sec: 5, Usec: 6, Type: EvSyn, Code: SynReport},
	}
	buf := make([]byte, 2*EventSize)
	for i, e := range want {
		EncodeEvent(buf[i*EventSize:], e)
	}
	if _, err := w.Write(buf); err != nil {
		t.Fatal(err)
	}
	evs := make([]RawEvent, 8)
	n, err := d.Read(evs)
	if err != nil || n != 2 || evs[0] != want[0] || evs[1] != want[1] {
		t.Fatalf("Read = %d %v %+v", n, err, evs[:n])
	}
	done := make(chan error, 1)
	go func() {
		_, err := d.Read(evs)
		done <- err
	}()
	time.Sleep(10 * time.Millisecond) // let the reader block (not a bound on anything)
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; !errors.Is(err, os.ErrClosed) {
		t.Errorf("blocked Read after Close: %v", err)
	}
	if err := d.Close(); !errors.Is(err, os.ErrClosed) {
		t.Errorf("second Close: %v", err)
	}
}

// Read's raw read keeps the file's behaviour: the writer gone is io.EOF,
// a deadline ends a waiting Read, and errors name the path.
func TestReadEOFAndDeadline(t *testing.T) {
	t.Parallel()
	d, w := pipeDevice(t, digitizerKernel())
	defer d.Close()
	evs := make([]RawEvent, 4)
	d.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	if _, err := d.Read(evs); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("Read past its deadline: %v", err)
	}
	d.SetReadDeadline(time.Time{})
	w.Close()
	_, err := d.Read(evs)
	if !errors.Is(err, io.EOF) {
		t.Errorf("Read after the writer closed: %v, want EOF", err)
	}
	if err != nil && !strings.Contains(err.Error(), d.Path) {
		t.Errorf("error %q does not name %s", err, d.Path)
	}
}

// readSyscalls is the process's count of read(2) calls (/proc/self/io).
func readSyscalls(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		t.Skipf("no read counts: %v", err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "syscr: "); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Skip("no syscr in /proc/self/io")
	return 0
}

// After a read that got less than it asked for (the buffer is empty)
// ReadEach waits for the poller before reading, so a packet that comes while
// nobody reads costs one read(2), not a read that says EAGAIN and then
// the read that gets it. No packet is missed or held back on the way:
// neither one written while the reader waits nor one written before it
// asks again, and a full read reads again at once.
func TestReadAfterShortReadWaitsFirst(t *testing.T) {
	d, w := pipeDevice(t, digitizerKernel())
	if d.packets {
		t.Fatal("a pipe taken for an event node")
	}
	d.packets = true // a pipe hands out whole writes like evdev's packets
	packet := func(v int32) []byte {
		b := make([]byte, 2*EventSize)
		EncodeEvent(b, RawEvent{Type: EvAbs, Code: AbsMtPositionX, Value: v})
		EncodeEvent(b[EventSize:], RawEvent{Type: EvSyn, Code: SynReport})
		return b
	}
	got := make(chan int32)
	readErr := make(chan error, 1)
	go func() {
		readErr <- d.ReadEach(make([]RawEvent, 8), func(evs []RawEvent) bool {
			for _, e := range evs {
				if e.Type == EvAbs {
					got <- e.Value
				}
			}
			return true
		})
		close(got)
	}()
	const rounds = 40
	before := readSyscalls(t)
	for i := range int32(rounds) {
		if i%2 == 0 {
			time.Sleep(2 * time.Millisecond) // the reader waits in the poller
		}
		if _, err := w.Write(packet(i)); err != nil {
			t.Fatal(err)
		}
		select {
		case v := <-got:
			if v != i {
				t.Fatalf("packet %d read as %d", i, v)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("packet %d written after a short read was never read", i)
		}
	}
	if n := readSyscalls(t) - before; n > rounds*3/2 {
		t.Errorf("%d packets took %d reads, want about one each", rounds, n)
	}

	// Four packets at once fill the reader's eight events exactly: a full
	// read is followed by another at once, and all four arrive.
	for i := range int32(4) {
		w.Write(packet(100 + i))
	}
	for i := range int32(4) {
		select {
		case v := <-got:
			if v != 100+i {
				t.Fatalf("packet %d read as %d", 100+i, v)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("packet %d of a full buffer never read", 100+i)
		}
	}
	d.Close()
	if _, ok := <-got; ok {
		t.Error("ReadEach went on after Close")
	}
	if err := <-readErr; !errors.Is(err, os.ErrClosed) {
		t.Errorf("ReadEach after Close: %v", err)
	}
}

// ReadEach ends when fn says so, and on EOF with Read's error.
func TestReadEachStopsAndEOF(t *testing.T) {
	t.Parallel()
	d, w := pipeDevice(t, digitizerKernel())
	b := make([]byte, 3*EventSize)
	for i := range 3 {
		EncodeEvent(b[i*EventSize:], RawEvent{Type: EvSyn, Code: SynReport})
	}
	w.Write(b)
	calls := 0
	if err := d.ReadEach(make([]RawEvent, 1), func([]RawEvent) bool { calls++; return calls < 2 }); err != nil || calls != 2 {
		t.Errorf("ReadEach stopped by fn: %v after %d calls", err, calls)
	}
	w.Close()
	calls = 0
	err := d.ReadEach(make([]RawEvent, 4), func([]RawEvent) bool { calls++; return true })
	if !errors.Is(err, io.EOF) || calls != 1 || !strings.Contains(err.Error(), d.Path) {
		t.Errorf("ReadEach to EOF: %v after %d calls, want EOF naming the path after the last event", err, calls)
	}
}

// A device that never stops sending does not keep Close waiting: ReadEach
// holds the file while it reads on, and stops once Close begins.
func TestReadEachCloseWhileFlooded(t *testing.T) {
	d, w := pipeDevice(t, digitizerKernel())
	d.packets = true
	b := make([]byte, 64*EventSize) // fills the reader's buffer: full reads, no wait between
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
				w.Write(b)
			}
		}
	}()
	reading := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		once := false
		done <- d.ReadEach(make([]RawEvent, 16), func([]RawEvent) bool {
			if !once {
				once = true
				close(reading)
			}
			time.Sleep(100 * time.Microsecond) // slower than the writer: the pipe stays full
			return true
		})
	}()
	<-reading
	closed := make(chan error, 1)
	go func() { closed <- d.Close() }()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close still waits for a flooded ReadEach")
	}
	if err := <-done; !errors.Is(err, os.ErrClosed) {
		t.Errorf("ReadEach after Close: %v", err)
	}
}
