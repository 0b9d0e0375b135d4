package preview

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"tiny-dfr/internal/watch"
	"tiny-dfr/internal/wayland"
)

// BarHeight is the hardware bar's height; the preview draws at it.
const BarHeight = 60

// ErrNoDisplay: there is no Wayland display to open the window on. The
// command maps it to exit status 2.
var ErrNoDisplay = wayland.ErrNoDisplay

// Options says what to preview.
type Options struct {
	Config string // user config file, watched for changes
	Base   string // base config file ("": the built-in default), watched too
	Length int    // bar length: 2008 or 2170 (0: 2008)
	Scale  int    // integer zoom, 1–8 (0: 1)
	// BatteryRoot is where battery buttons read the charge ("": the
	// system's /sys/class/power_supply).
	BatteryRoot string
	// Getenv reads WAYLAND_DISPLAY and XDG_RUNTIME_DIR (nil: os.Getenv).
	Getenv func(string) string
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

func (o *Options) defaults() error {
	if o.Length == 0 {
		o.Length = 2008
	}
	if o.Length != 2008 && o.Length != 2170 {
		return fmt.Errorf("preview: length %d: want 2008 or 2170", o.Length)
	}
	if o.Scale == 0 {
		o.Scale = 1
	}
	if o.Scale < 1 || o.Scale > 8 {
		return fmt.Errorf("preview: scale %d: want 1 to 8", o.Scale)
	}
	if o.BatteryRoot == "" {
		o.BatteryRoot = "/sys/class/power_supply"
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return nil
}

// Run shows the preview window until ctx ends or the window is closed
// (both return nil). Key lines ("press F1", "release F1") go to stdout,
// config diagnostics to stderr. Without a display it returns an error
// wrapping ErrNoDisplay that names `tiny-dfr render`.
func Run(ctx context.Context, opts Options, stdout, stderr io.Writer) error {
	if err := opts.defaults(); err != nil {
		return err
	}
	conn, err := wayland.DialEnv(opts.Getenv)
	if err != nil {
		if errors.Is(err, wayland.ErrNoDisplay) {
			return noDisplay(err)
		}
		return fmt.Errorf("preview: %w", err)
	}
	defer conn.Close()

	files := []string{opts.Config}
	if opts.Base != "" {
		files = append(files, opts.Base)
	}
	wt, err := watch.New(files...)
	if err != nil {
		return fmt.Errorf("preview: %w", err)
	}
	defer wt.Close()

	p := newPreview(opts, stdout, stderr)
	p.load()
	w := &window{conn: conn, bar: p.bar, scale: opts.Scale, now: opts.Now}
	p.win = w
	if err := w.bind(); err != nil {
		return fmt.Errorf("preview: %w", err)
	}
	defer w.close()
	title := "tiny-dfr preview - " + opts.Config
	if err := w.open(title, opts.Length*opts.Scale, (BarHeight+statusHeight)*opts.Scale); err != nil {
		return fmt.Errorf("preview: %w", err)
	}
	return p.loop(ctx, wt)
}

// noDisplay builds the one-line error for a missing display.
func noDisplay(cause error) error {
	return fmt.Errorf("preview: %w; to draw the bar without a desktop use `tiny-dfr render -o bar.png`", cause)
}

// received is what the socket reader goroutine hands the loop.
type received struct {
	b   wayland.Batch
	err error
}

// loop runs the event loop: compositor events, config changes, clock
// ticks, redraws. Only this goroutine touches the window and bar.
func (p *preview) loop(ctx context.Context, wt *watch.Watcher) error {
	in := make(chan received)
	stop := make(chan struct{})
	readerDone := make(chan struct{})
	// Leave no goroutine behind: destroy the window, close the socket (that
	// ends a pending Read), wait for the reader.
	defer func() {
		close(stop)
		p.win.close()
		p.win.conn.Close()
		<-readerDone
	}()
	go func() {
		defer close(readerDone)
		for {
			b, err := p.win.conn.Read()
			select {
			case in <- received{b, err}:
			case <-stop:
				for _, fd := range b.FDs {
					wayland.CloseFD(fd)
				}
				return
			}
			if err != nil {
				return
			}
		}
	}()
	tick := time.NewTimer(p.untilTick())
	defer tick.Stop()
	for {
		if err := p.paint(); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case r := <-in:
			if err := p.win.conn.Dispatch(r.b); err != nil {
				return fmt.Errorf("preview: %w", err)
			}
			if r.err != nil {
				return fmt.Errorf("preview: the compositor went away: %w", r.err)
			}
			if p.win.closed {
				return nil
			}
		case <-wt.C():
			p.load()
			tick.Reset(p.untilTick()) // a new clock may tick sooner
		case <-tick.C:
			p.tick()
			tick.Reset(p.untilTick())
		}
	}
}
