package daemon

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"tiny-dfr/internal/battery"
	"tiny-dfr/internal/config"
	"tiny-dfr/internal/input"
	"tiny-dfr/internal/layouts"
)

// pressKeyboard reports when each press reaches the virtual keyboard.
type pressKeyboard struct{ pressed chan time.Time }

func (k pressKeyboard) Press([]uint16) error   { k.pressed <- time.Now(); return nil }
func (k pressKeyboard) Release([]uint16) error { return nil }

// BenchmarkTapDuringReload is the latency of a tap (touch sent → key
// pressed) made right after a config change, while the new layout is being
// built: "slow" stands in for a hostile config (its painter takes 200 ms),
// "real" is the default config with the real renderer (fc-match, icons),
// "hostile" a real user config of 20000 unknown keys (seconds to parse).
func BenchmarkTapDuringReload(b *testing.B) {
	for _, kind := range []string{"slow", "real", "hostile"} {
		b.Run(kind, func(b *testing.B) {
			user := filepath.Join(b.TempDir(), "config.toml")
			var sb strings.Builder
			for i := range 20000 {
				fmt.Fprintf(&sb, "k%d = 1\n", i)
			}
			os.WriteFile(user, []byte(sb.String()), 0o644)
			builds := make(chan struct{}, 16)
			kb := pressKeyboard{pressed: make(chan time.Time, 16)}
			var log []string
			var mu sync.Mutex
			painters := cachedPainters()
			env := Env{
				Clock:  RealClock{},
				Rand:   rand.New(rand.NewPCG(1, 1)),
				Timing: instantTiming(),
				LoadConfig: func() (*config.Config, []config.Diagnostic) {
					if kind == "hostile" {
						cfg, d := config.Load("", user)
						cfg.PrimaryLayerKeys = fButtons(12)
						return cfg, d
					}
					if kind == "real" {
						cfg := config.Default()
						cfg.PrimaryLayerKeys = fButtons(12)
						return cfg, nil
					}
					return testConfig(), nil
				},
				NewPainter: func(lay *layouts.Layout, look Look) (Painter, []config.Diagnostic) {
					defer func() { builds <- struct{}{} }()
					if kind != "slow" {
						return painters(lay, look)
					}
					time.Sleep(200 * time.Millisecond)
					mu.Lock()
					defer mu.Unlock()
					return &fakePainter{lay: lay, log: &log}, nil
				},
				OpenDisplay: func() (Display, error) { return newFakeDisplay(), nil },
				Tracker:     input.NewTracker(kb),
				ReadBattery: func() (battery.State, error) { return battery.State{}, nil },
			}
			inputs, configs := make(chan input.Event), make(chan struct{})
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- Loop(ctx, env, Sources{Inputs: inputs, Configs: configs}, nil) }()
			// F1 is the first button of either layout, at 5 % of the bar.
			tap := func(phase input.Phase) {
				inputs <- input.Event{Kind: input.Touches, Touches: []input.Touch{{Slot: 0, Phase: phase, X: 0.05, Y: 0.5}}}
			}
			<-builds
			for { // until the first layout is up
				tap(input.Down)
				tap(input.Up)
				select {
				case <-kb.pressed:
				case <-time.After(10 * time.Millisecond):
					continue
				}
				break
			}
			var total, worst time.Duration
			n := 0
			for b.Loop() {
				configs <- struct{}{}
				t0 := time.Now()
				tap(input.Down)
				lat := (<-kb.pressed).Sub(t0)
				tap(input.Up)
				total += lat
				worst = max(worst, lat)
				n++
				// Let the build finish before the next round.
				b.StopTimer()
				<-builds
				time.Sleep(10 * time.Millisecond)
				b.StartTimer()
			}
			cancel()
			<-done
			b.ReportMetric(float64(total.Microseconds())/float64(n)/1000, "ms/tap")
			b.ReportMetric(float64(worst.Microseconds())/1000, "worst-ms")
		})
	}
}
