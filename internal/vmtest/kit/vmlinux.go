package kit

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
)

// xzMagic starts an xz stream; the bzImage carries the kernel as one.
const xzMagic = "\xfd7zXZ\x00"

// extractVmlinux decompresses the first xz stream inside vmlinuz that yields
// an ELF file (the uncompressed kernel, bootable through PVH) into dst.
func extractVmlinux(ctx context.Context, vmlinuz, dst string) error {
	data, err := os.ReadFile(vmlinuz)
	if err != nil {
		return fmt.Errorf("kit: %w", err)
	}
	for off := 0; ; {
		i := bytes.Index(data[off:], []byte(xzMagic))
		if i < 0 {
			return fmt.Errorf("kit: %s: no xz stream holding an ELF kernel", vmlinuz)
		}
		off += i
		out, err := unxz(ctx, data[off:])
		if err == nil && bytes.HasPrefix(out, []byte("\x7fELF")) {
			if err := os.WriteFile(dst, out, 0o644); err != nil {
				return fmt.Errorf("kit: %w", err)
			}
			return nil
		}
		off += len(xzMagic)
	}
}

// unxz decompresses the first xz stream of in, ignoring what follows it.
func unxz(ctx context.Context, in []byte) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "xz", "--decompress", "--stdout", "--single-stream")
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("kit: xz: %w: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	return out, nil
}

func xzFile(ctx context.Context, src, dst string) error {
	in, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("kit: %w", err)
	}
	out, err := unxz(ctx, in)
	if err != nil {
		return fmt.Errorf("kit: %s: %w", src, err)
	}
	return os.WriteFile(dst, out, 0o644)
}
