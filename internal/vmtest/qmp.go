package vmtest

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"time"
)

// qmp is a minimal QEMU Machine Protocol client (one command at a time).
type qmp struct {
	conn net.Conn
	rd   *bufio.Reader
}

type qmpReply struct {
	Return json.RawMessage `json:"return"`
	Error  *struct {
		Class, Desc string
	} `json:"error"`
	Event string `json:"event"`
}

// dialQMP connects to QEMU's QMP socket, retrying while QEMU creates it.
func dialQMP(path string, wait time.Duration) (*qmp, error) {
	deadline := time.Now().Add(wait)
	for {
		conn, err := net.Dial("unix", path)
		if err == nil {
			q := &qmp{conn: conn, rd: bufio.NewReader(conn)}
			if _, err := q.read(); err != nil { // greeting
				conn.Close()
				return nil, fmt.Errorf("vmtest: qmp greeting: %w", err)
			}
			if _, err := q.do("qmp_capabilities", nil); err != nil {
				conn.Close()
				return nil, err
			}
			return q, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("vmtest: qmp: %w", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (q *qmp) read() (*qmpReply, error) {
	line, err := q.rd.ReadBytes('\n')
	if err != nil {
		return nil, err
	}
	var r qmpReply
	if err := json.Unmarshal(line, &r); err != nil {
		return nil, fmt.Errorf("%w: %q", err, line)
	}
	return &r, nil
}

// do runs one command and returns its "return" value; events are skipped.
func (q *qmp) do(cmd string, args any) (json.RawMessage, error) {
	msg := map[string]any{"execute": cmd}
	if args != nil {
		msg["arguments"] = args
	}
	b, err := json.Marshal(msg)
	if err != nil {
		return nil, err
	}
	q.conn.SetDeadline(time.Now().Add(30 * time.Second))
	defer q.conn.SetDeadline(time.Time{})
	if _, err := q.conn.Write(append(b, '\n')); err != nil {
		return nil, fmt.Errorf("vmtest: qmp %s: %w", cmd, err)
	}
	for {
		r, err := q.read()
		if err != nil {
			return nil, fmt.Errorf("vmtest: qmp %s: %w", cmd, err)
		}
		if r.Event != "" {
			continue
		}
		if r.Error != nil {
			return nil, fmt.Errorf("vmtest: qmp %s: %w", cmd, errors.New(r.Error.Class+": "+r.Error.Desc))
		}
		return r.Return, nil
	}
}

func (q *qmp) Close() error { return q.conn.Close() }
