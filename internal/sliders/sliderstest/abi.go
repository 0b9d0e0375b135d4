// The uhid ABI (include/uapi/linux/uhid.h), for the fake T2 keyboard.

package sliderstest

import (
	"encoding/binary"
	"fmt"
	"os"
)

// The uhid ABI (include/uapi/linux/uhid.h): struct uhid_event is packed, a
// __u32 type and a union whose largest member is uhid_create2_req.
const (
	uhidDestroy        = 1
	uhidGetReport      = 9
	uhidGetReportReply = 10
	uhidCreate2        = 11
	uhidSetReport      = 13
	uhidSetReportReply = 14

	uhidFeatureReport = 0
	uhidOutputReport  = 1

	uhidDataMax   = 4096
	uhidEventSize = 4 + 128 + 64 + 64 + 2 + 2 + 4*4 + uhidDataMax // 4376
	busUSB        = 0x03
)

// uhidCreate2Event encodes UHID_CREATE2.
func uhidCreate2Event(name string, bus uint16, vendor, product uint32, rdesc []byte) []byte {
	b := make([]byte, uhidEventSize)
	le := binary.LittleEndian
	le.PutUint32(b[0:], uhidCreate2)
	copy(b[4:4+127], name)
	// phys [64] at 132, uniq [64] at 196
	le.PutUint16(b[260:], uint16(len(rdesc)))
	le.PutUint16(b[262:], bus)
	le.PutUint32(b[264:], vendor)
	le.PutUint32(b[268:], product)
	// version at 272, country at 276
	copy(b[280:], rdesc)
	return b
}

// uhidRequest is a GET_REPORT or SET_REPORT the kernel asks the device.
type uhidRequest struct {
	typ   uint32
	id    uint32
	rnum  uint8
	rtype uint8
	data  []byte // SET_REPORT's payload
}

// readUhid reads one event; ok is false for the events a test ignores
// (START, OPEN, OUTPUT…).
func readUhid(f *os.File, buf []byte) (uhidRequest, bool, error) {
	n, err := f.Read(buf)
	if err != nil {
		return uhidRequest{}, false, err
	}
	if n < 4 {
		return uhidRequest{}, false, fmt.Errorf("uhid: short event (%d bytes)", n)
	}
	le := binary.LittleEndian
	r := uhidRequest{typ: le.Uint32(buf)}
	switch r.typ {
	case uhidGetReport:
		r.id, r.rnum, r.rtype = le.Uint32(buf[4:]), buf[8], buf[9]
	case uhidSetReport:
		r.id, r.rnum, r.rtype = le.Uint32(buf[4:]), buf[8], buf[9]
		size := min(int(le.Uint16(buf[10:])), uhidDataMax)
		r.data = append([]byte(nil), buf[12:12+size]...)
	default:
		return r, false, nil
	}
	return r, true, nil
}

// uhidGetReportReplyEvent answers a GET_REPORT.
func uhidGetReportReplyEvent(id uint32, errno uint16, data []byte) []byte {
	b := make([]byte, uhidEventSize)
	le := binary.LittleEndian
	le.PutUint32(b[0:], uhidGetReportReply)
	le.PutUint32(b[4:], id)
	le.PutUint16(b[8:], errno)
	le.PutUint16(b[10:], uint16(len(data)))
	copy(b[12:], data)
	return b
}

// uhidSetReportReplyEvent answers a SET_REPORT.
func uhidSetReportReplyEvent(id uint32, errno uint16) []byte {
	b := make([]byte, uhidEventSize)
	le := binary.LittleEndian
	le.PutUint32(b[0:], uhidSetReportReply)
	le.PutUint32(b[4:], id)
	le.PutUint16(b[8:], errno)
	return b
}

func uhidDestroyEvent() []byte {
	b := make([]byte, uhidEventSize)
	binary.LittleEndian.PutUint32(b, uhidDestroy)
	return b
}
