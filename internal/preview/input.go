package preview

import "tiny-dfr/internal/wayland"

// capabilities gets or drops the seat's pointer, keyboard and touch.
func (w *window) capabilities(s *seat, caps uint32) {
	has := func(c uint32) bool { return caps&c != 0 }
	switch {
	case has(wayland.SeatCapabilityPointer) && s.pointer == nil:
		if p, err := s.s.GetPointer(); err == nil {
			s.pointer = p
			w.pointerHandlers(s)
		}
	case !has(wayland.SeatCapabilityPointer) && s.pointer != nil:
		w.pointerGone(s)
		if s.version >= 3 {
			s.pointer.Release()
		}
		s.pointer = nil
	}
	switch {
	case has(wayland.SeatCapabilityKeyboard) && s.keyboard == nil:
		if k, err := s.s.GetKeyboard(); err == nil {
			s.keyboard = k
			w.keyboardHandlers(s)
		}
	case !has(wayland.SeatCapabilityKeyboard) && s.keyboard != nil:
		s.shift, s.fnKey = false, false
		w.fnChanged(s)
		if s.version >= 3 {
			s.keyboard.Release()
		}
		s.keyboard = nil
	}
	switch {
	case has(wayland.SeatCapabilityTouch) && s.touch == nil:
		if t, err := s.s.GetTouch(); err == nil {
			s.touch = t
			w.touchHandlers(s)
		}
	case !has(wayland.SeatCapabilityTouch) && s.touch != nil:
		w.touchCancel()
		if s.version >= 3 {
			s.touch.Release()
		}
		s.touch = nil
	}
}

// barXY turns surface pixels into bar pixels.
func (w *window) barXY(x, y float64) (float64, float64) {
	return x / float64(w.scale), y / float64(w.scale)
}

func (w *window) pointerHandlers(s *seat) {
	p := s.pointer
	p.OnEnter = func(serial, surface uint32, x, y float64) { s.px, s.py = x, y }
	p.OnLeave = func(serial, surface uint32) { w.pointerGone(s) }
	p.OnMotion = func(time uint32, x, y float64) {
		s.px, s.py = x, y
		if s.buttonOn {
			bx, by := w.barXY(x, y)
			w.bar.move(pointerID, bx, by)
		}
	}
	p.OnButton = func(serial, time, button, state uint32) {
		down := state == wayland.PointerButtonStatePressed
		switch button {
		case btnLeft:
			if down {
				bx, by := w.barXY(s.px, s.py)
				w.bar.down(pointerID, bx, by)
			} else {
				w.bar.up(pointerID)
			}
			s.buttonOn = down
		case btnRight:
			if down {
				w.bar.toggle()
			}
		}
	}
}

func (w *window) pointerGone(s *seat) {
	if s.buttonOn {
		w.bar.up(pointerID)
		s.buttonOn = false
	}
}

func (w *window) keyboardHandlers(s *seat) {
	k := s.keyboard
	// Shift is modifier index 0 in every xkb keymap (the real modifiers
	// come first, in the order Shift, Lock, Control, Mod1…Mod5).
	k.OnModifiers = func(serial, depressed, latched, locked, group uint32) {
		s.shift = depressed&1 != 0
		w.fnChanged(s)
	}
	k.OnKey = func(serial, time, key, state uint32) {
		down := state == wayland.KeyboardKeyStatePressed
		switch key {
		case keySpace:
			if down {
				w.bar.toggle()
			}
		case keyTab:
			if down {
				w.bar.cycle()
			}
		case keyFn: // a Mac keyboard's own Fn, where the desktop passes it on
			s.fnKey = down
			w.fnChanged(s)
		}
	}
	k.OnLeave = func(serial, surface uint32) {
		s.shift, s.fnKey = false, false
		w.fnChanged(s)
	}
}

// fnChanged tells the bar when "Fn" (Shift or the Fn key) goes down or up.
func (w *window) fnChanged(s *seat) {
	if down := s.shift || s.fnKey; down != s.fn {
		s.fn = down
		w.bar.fn(down, w.now())
	}
}

func (w *window) touchHandlers(s *seat) {
	t := s.touch
	t.OnDown = func(serial, time, surface uint32, id int32, x, y float64) {
		bx, by := w.barXY(x, y)
		w.bar.down(id, bx, by)
	}
	t.OnMotion = func(time uint32, id int32, x, y float64) {
		bx, by := w.barXY(x, y)
		w.bar.move(id, bx, by)
	}
	t.OnUp = func(serial, time uint32, id int32) { w.bar.up(id) }
	t.OnCancel = w.touchCancel
}

func (w *window) touchCancel() {
	for id := range w.bar.contacts {
		if id != pointerID {
			w.bar.up(id)
		}
	}
}
