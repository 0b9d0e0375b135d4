package drm

// A fake DRM kernel at the ioctl boundary: it answers the requests the
// package makes with vkms-like objects, records commits, SETCRTCs and dirty
// clips, and returns injected errnos.

import (
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Object ids of every fake card.
const (
	fakeCursorPlane = 29
	fakePlane       = 30
	fakeCRTC        = 31
	fakeEncoder     = 32
	fakeConnector   = 33
	fakeFB          = 50
	fakeHandle      = 7
	fakeMapOffset   = 0x100000
)

// fakePropNames are the fake's property names; a property's id is its index
// + 1, the same on every object that has it.
func fakePropNames() []string {
	return []string{"FB_ID", "CRTC_ID", "SRC_X", "SRC_Y", "SRC_W", "SRC_H",
		"CRTC_X", "CRTC_Y", "CRTC_W", "CRTC_H", "type", "MODE_ID", "ACTIVE", "DPMS"}
}

// fakePropID is the id of the named property (0: none).
func fakePropID(name string) uint32 {
	return uint32(slices.Index(fakePropNames(), name) + 1)
}

// fakeCard is one card's behaviour and what happened to it.
type fakeCard struct {
	// Set up by the test.
	modes        []modeInfo
	disconnected bool
	busy         bool           // SET_MASTER → EBUSY
	noAtomic     bool           // SET_CLIENT_CAP atomic → EOPNOTSUPP
	pitchAlign   int            // CREATE_DUMB pitch alignment in bytes (0: 4·width)
	fail         map[uint]error // request → errno returned (every time)
	rejectClips  bool           // DIRTYFB with clips → EINVAL
	noDirty      bool           // DIRTYFB → ENOSYS
	quiet        bool           // DIRTYFB records nothing (allocation tests)
	crtcs        []uint32       // CRTC ids (nil: just fakeCRTC)
	possible     uint32         // the encoder's possible_crtcs (0: 1)
	bound        uint32         // CRTC the encoder drives now (0: none)
	growing      bool           // each GETCONNECTOR finds one mode more (hotplug storm)

	// Recorded.
	commits  []fakeCommit
	setCRTCs []modeCRTC
	dirty    [][]clipRect // clips of each accepted DIRTYFB (nil: whole fb)
	events   []string     // release-order events
	master   bool
	fbs      map[uint32]bool
	dumbs    map[uint32]bool
	blobs    map[uint32]modeInfo
	mem      []byte // the dumb buffer's memory
	mapped   bool
	opened   int // open fds
}

// fakeCommit is one decoded atomic commit: object → property id → value.
type fakeCommit struct {
	flags uint32
	objs  map[uint32]map[uint32]uint64
}

// portrait returns a card whose only connector has the given mode.
func portrait(w, h uint16) *fakeCard {
	return &fakeCard{modes: []modeInfo{mode(w, h, modeTypePreferred)}}
}

func mode(w, h uint16, typ uint32) modeInfo {
	m := modeInfo{hdisplay: w, vdisplay: h, htotal: w + 10, vtotal: h + 10, vrefresh: 60, typ: typ}
	copy(m.name[:], []byte(itoa(int(w))+"x"+itoa(int(h))))
	m.clock = uint32(m.htotal) * uint32(m.vtotal) * 60 / 1000
	return m
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// fakeKernel holds the cards of a fake /dev/dri and the open fds.
type fakeKernel struct {
	t     testing.TB
	dir   string
	mu    sync.Mutex
	cards map[string]*fakeCard
	fds   map[int]*fakeCard
	next  int
}

// newFakeKernel makes a directory with a node per card name (card0, …).
func newFakeKernel(t testing.TB, cards map[string]*fakeCard) *fakeKernel {
	t.Helper()
	k := &fakeKernel{t: t, dir: t.TempDir(), cards: cards, fds: map[int]*fakeCard{}, next: 100}
	for name := range cards {
		if err := os.WriteFile(filepath.Join(k.dir, name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return k
}

func (k *fakeKernel) options() Options {
	return Options{Dir: k.dir, sys: k.sys()}
}

func (k *fakeKernel) sys() *sys {
	return &sys{ioctl: k.ioctl, open: k.open, close: k.close, mmap: k.mmap, munmap: k.munmap}
}

func (k *fakeKernel) open(path string) (int, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	c, ok := k.cards[filepath.Base(path)]
	if !ok {
		return -1, unix.ENOENT
	}
	if err := c.fail[0]; err != nil { // request 0: open itself
		return -1, err
	}
	k.next++
	k.fds[k.next] = c
	c.opened++
	return k.next, nil
}

func (k *fakeKernel) close(fd int) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	c, ok := k.fds[fd]
	if !ok {
		return unix.EBADF
	}
	delete(k.fds, fd)
	c.opened--
	c.events = append(c.events, "close")
	if c.mapped {
		k.t.Errorf("fd %d closed with the dumb buffer still mapped (keeps master)", fd)
	}
	c.master = false
	return nil
}

func (k *fakeKernel) mmap(fd int, offset int64, length int) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	c, ok := k.fds[fd]
	if !ok {
		return nil, unix.EBADF
	}
	if offset != fakeMapOffset || length > len(c.mem) || length <= 0 {
		return nil, unix.EINVAL
	}
	c.mapped = true
	return c.mem[:length], nil
}

func (k *fakeKernel) munmap(b []byte) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, c := range k.cards {
		if c.mapped && len(c.mem) > 0 && len(b) > 0 && &c.mem[0] == &b[0] {
			c.mapped = false
			c.events = append(c.events, "munmap")
			return nil
		}
	}
	return unix.EINVAL
}

// openFDs is the number of fds open on any card.
func (k *fakeKernel) openFDs() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.fds)
}

// userSlice views n elements at the user address stored in *addr (64-bit
// only: the __u64 holds a pointer).
func userSlice[T any](addr *uint64, n uint32) []T {
	if n == 0 || *addr == 0 {
		return nil
	}
	p := *(*unsafe.Pointer)(unsafe.Pointer(addr))
	return unsafe.Slice((*T)(p), n)
}

// fill copies src into the user array at *addr when the caller made room.
func fill[T any](addr *uint64, room uint32, src []T) {
	if room >= uint32(len(src)) {
		copy(userSlice[T](addr, room), src)
	}
}

func (c *fakeCard) crtcIDs() []uint32 {
	if c.crtcs == nil {
		return []uint32{fakeCRTC}
	}
	return c.crtcs
}

func (c *fakeCard) objectProps(id uint32) []string {
	if slices.Contains(c.crtcIDs(), id) {
		return []string{"ACTIVE", "MODE_ID"}
	}
	switch id {
	case fakePlane, fakeCursorPlane:
		return []string{"type", "FB_ID", "CRTC_ID", "SRC_X", "SRC_Y", "SRC_W", "SRC_H", "CRTC_X", "CRTC_Y", "CRTC_W", "CRTC_H"}
	case fakeConnector:
		return []string{"DPMS", "CRTC_ID"}
	}
	return nil
}

func (k *fakeKernel) ioctl(fd int, req uint, arg unsafe.Pointer) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	c, ok := k.fds[fd]
	if !ok {
		return unix.EBADF
	}
	if err := c.fail[req]; err != nil {
		return err
	}
	switch req {
	case ioctlSetMaster:
		if c.busy {
			return unix.EBUSY
		}
		c.master = true
	case ioctlDropMaster:
		c.master = false
		c.events = append(c.events, "drop master")
	case ioctlSetClientCap:
		a := (*setClientCap)(arg)
		if a.capability == clientCapAtomic && c.noAtomic {
			return unix.EOPNOTSUPP
		}
	case ioctlModeGetResources:
		a := (*modeCardRes)(arg)
		fill(&a.crtc_id_ptr, a.count_crtcs, c.crtcIDs())
		fill(&a.connector_id_ptr, a.count_connectors, []uint32{fakeConnector})
		fill(&a.encoder_id_ptr, a.count_encoders, []uint32{fakeEncoder})
		a.count_crtcs, a.count_connectors, a.count_encoders = uint32(len(c.crtcIDs())), 1, 1
		a.max_width, a.max_height = 8192, 8192
	case ioctlModeGetConnector:
		a := (*modeGetConnector)(arg)
		if a.connector_id != fakeConnector {
			return unix.ENOENT
		}
		if c.growing {
			c.modes = append(c.modes, mode(60, 2008, 0))
		}
		fill(&a.modes_ptr, a.count_modes, c.modes)
		fill(&a.encoders_ptr, a.count_encoders, []uint32{fakeEncoder})
		a.count_modes, a.count_encoders = uint32(len(c.modes)), 1
		a.connection = modeConnected
		if c.disconnected {
			a.connection = 2
		}
		a.connector_type = 15 // Virtual
		if c.bound != 0 {
			a.encoder_id = fakeEncoder
		}
	case ioctlModeGetEncoder:
		a := (*modeGetEncoder)(arg)
		if a.encoder_id != fakeEncoder {
			return unix.ENOENT
		}
		a.possible_crtcs, a.crtc_id = max(c.possible, 1), c.bound
	case ioctlModeGetPlaneRes:
		a := (*modeGetPlaneRes)(arg)
		fill(&a.plane_id_ptr, a.count_planes, []uint32{fakeCursorPlane, fakePlane})
		a.count_planes = 2
	case ioctlModeGetPlane:
		a := (*modeGetPlane)(arg)
		if a.plane_id != fakePlane && a.plane_id != fakeCursorPlane {
			return unix.ENOENT
		}
		a.possible_crtcs = 1<<len(c.crtcIDs()) - 1
	case ioctlModeObjGetProps:
		a := (*modeObjGetProperties)(arg)
		names := c.objectProps(a.obj_id)
		if names == nil {
			return unix.ENOENT
		}
		if a.count_props >= uint32(len(names)) {
			ids := userSlice[uint32](&a.props_ptr, a.count_props)
			vals := userSlice[uint64](&a.prop_values_ptr, a.count_props)
			for i, n := range names {
				ids[i], vals[i] = fakePropID(n), 0
				if n == "type" {
					vals[i] = planeTypePrimary
					if a.obj_id == fakeCursorPlane {
						vals[i] = 2
					}
				}
			}
		}
		a.count_props = uint32(len(names))
	case ioctlModeGetProperty:
		a := (*modeGetProperty)(arg)
		names := fakePropNames()
		if a.prop_id == 0 || int(a.prop_id) > len(names) {
			return unix.ENOENT
		}
		copy(a.name[:], names[a.prop_id-1])
	case ioctlModeCreatePropBlob:
		a := (*modeCreateBlob)(arg)
		if a.length != uint32(unsafe.Sizeof(modeInfo{})) {
			return unix.EINVAL
		}
		if c.blobs == nil {
			c.blobs = map[uint32]modeInfo{}
		}
		id := uint32(200 + len(c.blobs))
		c.blobs[id] = userSlice[modeInfo](&a.data, 1)[0]
		a.blob_id = id
	case ioctlModeDestroyPropBlob:
		a := (*modeDestroyBlob)(arg)
		if _, ok := c.blobs[a.blob_id]; !ok {
			return unix.ENOENT
		}
		delete(c.blobs, a.blob_id)
	case ioctlModeAtomic:
		a := (*modeAtomic)(arg)
		objs := userSlice[uint32](&a.objs_ptr, a.count_objs)
		counts := userSlice[uint32](&a.count_props_ptr, a.count_objs)
		var total uint32
		for _, n := range counts {
			total += n
		}
		props := userSlice[uint32](&a.props_ptr, total)
		vals := userSlice[uint64](&a.prop_values_ptr, total)
		cm := fakeCommit{flags: a.flags, objs: map[uint32]map[uint32]uint64{}}
		i := 0
		for o, id := range objs {
			m := map[uint32]uint64{}
			for range counts[o] {
				m[props[i]] = vals[i]
				i++
			}
			cm.objs[id] = m
		}
		c.commits = append(c.commits, cm)
	case ioctlModeSetCRTC:
		a := (*modeCRTC)(arg)
		if a.count_connectors != 1 || userSlice[uint32](&a.set_connectors_ptr, 1)[0] != fakeConnector {
			return unix.EINVAL
		}
		c.setCRTCs = append(c.setCRTCs, *a)
	case ioctlModeCreateDumb:
		a := (*modeCreateDumb)(arg)
		if a.bpp != 32 || a.width == 0 || a.height == 0 {
			return unix.EINVAL
		}
		a.pitch = a.width * 4
		if c.pitchAlign > 0 {
			al := uint32(c.pitchAlign)
			a.pitch = (a.pitch + al - 1) / al * al
		}
		a.size = uint64(a.pitch) * uint64(a.height)
		a.handle = fakeHandle
		if c.dumbs == nil {
			c.dumbs = map[uint32]bool{}
		}
		c.dumbs[fakeHandle] = true
		c.mem = make([]byte, a.size)
	case ioctlModeMapDumb:
		a := (*modeMapDumb)(arg)
		if !c.dumbs[a.handle] {
			return unix.ENOENT
		}
		a.offset = fakeMapOffset
	case ioctlModeDestroyDumb:
		a := (*modeDestroyDumb)(arg)
		if !c.dumbs[a.handle] {
			return unix.ENOENT
		}
		delete(c.dumbs, a.handle)
		c.events = append(c.events, "destroy dumb")
	case ioctlModeAddFB2:
		a := (*modeFBCmd2)(arg)
		if !c.dumbs[a.handles[0]] || a.pixel_format != formatXRGB8888 {
			return unix.EINVAL
		}
		if c.fbs == nil {
			c.fbs = map[uint32]bool{}
		}
		c.fbs[fakeFB] = true
		a.fb_id = fakeFB
	case ioctlModeRmFB:
		id := *(*uint32)(arg)
		if !c.fbs[id] {
			return unix.ENOENT
		}
		delete(c.fbs, id)
		c.events = append(c.events, "remove fb")
	case ioctlModeDirtyFB:
		a := (*modeFBDirtyCmd)(arg)
		if !c.fbs[a.fb_id] {
			return unix.ENOENT
		}
		if c.noDirty {
			return unix.ENOSYS
		}
		if a.num_clips > 0 && c.rejectClips {
			return unix.EINVAL
		}
		if a.num_clips > modeFBDirtyMaxClips {
			return unix.EINVAL
		}
		if !c.quiet {
			c.dirty = append(c.dirty, slices.Clone(userSlice[clipRect](&a.clips_ptr, a.num_clips)))
		}
	default:
		return unix.ENOTTY
	}
	return nil
}

// held lists what a card still holds after a release (empty when clean).
func (c *fakeCard) held() []string {
	var h []string
	if c.master {
		h = append(h, "master")
	}
	if c.mapped {
		h = append(h, "mapping")
	}
	if len(c.fbs) > 0 {
		h = append(h, "fb")
	}
	if len(c.dumbs) > 0 {
		h = append(h, "dumb")
	}
	if len(c.blobs) > 0 {
		h = append(h, "blob")
	}
	if c.opened > 0 {
		h = append(h, "fd")
	}
	return h
}
