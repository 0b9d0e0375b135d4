package drm

import (
	"fmt"
	"path/filepath"
)

// CardInfo describes one card for a report (tiny-dfr doctor).
type CardInfo struct {
	Card       string // its node, such as /dev/dri/card0
	Err        error  // why it could not be looked at (EACCES: not in group video)
	Connectors []ConnectorInfo
}

// ConnectorInfo is one connector of a card.
type ConnectorInfo struct {
	ID        uint32
	Type      string // eDP, HDMI-A, Virtual, … ("type N" when unknown)
	Connected bool
	Modes     []Mode
	Preferred int // index in Modes of the mode Open would use; -1: none
	// TouchBar: connected, and its preferred (else first) mode is a
	// portrait strip; Open would drive it.
	TouchBar bool
}

// TouchBar says whether the card has a connector Open would drive.
func (c CardInfo) TouchBar() bool {
	for _, k := range c.Connectors {
		if k.TouchBar {
			return true
		}
	}
	return false
}

// Inspect lists dir's cards, in Open's order, with their connectors and
// modes, without setting any mode or buffer. A card it cannot open or ask
// carries the error. When nobody is the card's DRM master, opening it makes
// this process master for the moment it is open (the kernel's rule), which
// lets the connectors be probed.
func Inspect(dir string) ([]CardInfo, error) { return inspect(dir, realSys()) }

func inspect(dir string, s *sys) ([]CardInfo, error) {
	if dir == "" {
		dir = DefaultDir
	}
	names, err := cardNames(dir)
	if err != nil {
		return nil, err
	}
	out := make([]CardInfo, 0, len(names))
	for _, name := range names {
		out = append(out, inspectCard(s, filepath.Join(dir, name)))
	}
	return out, nil
}

func inspectCard(s *sys, path string) CardInfo {
	ci := CardInfo{Card: path}
	fd, err := s.open(path)
	if err != nil {
		ci.Err = fmt.Errorf("open: %w", err)
		return ci
	}
	defer s.close(fd)
	res, err := s.getResources(fd)
	if err != nil {
		ci.Err = fmt.Errorf("get resources: %w", err)
		return ci
	}
	for _, id := range res.connectors {
		c, err := s.getConnector(fd, id)
		if err != nil {
			ci.Err = fmt.Errorf("get connector %d: %w", id, err)
			return ci
		}
		k := ConnectorInfo{ID: id, Type: connectorTypeName(c.typ), Connected: c.connected, Preferred: -1}
		if len(c.modes) > 0 {
			pref := preferredMode(c.modes)
			k.TouchBar = c.connected && isStrip(pref)
			for i, m := range c.modes {
				if m == pref && k.Preferred < 0 {
					k.Preferred = i
				}
				k.Modes = append(k.Modes, Mode{Width: int(m.hdisplay), Height: int(m.vdisplay), Refresh: int(m.vrefresh), Name: cString(m.name[:])})
			}
		}
		ci.Connectors = append(ci.Connectors, k)
	}
	return ci
}

// connectorTypeName is the kernel's name of a DRM_MODE_CONNECTOR_* type.
func connectorTypeName(t uint32) string {
	names := []string{"Unknown", "VGA", "DVI-I", "DVI-D", "DVI-A", "Composite", "SVIDEO", "LVDS", "Component",
		"DIN", "DP", "HDMI-A", "HDMI-B", "TV", "eDP", "Virtual", "DSI", "DPI", "Writeback", "SPI", "USB"}
	if int(t) < len(names) {
		return names[t]
	}
	return fmt.Sprintf("type %d", t)
}
