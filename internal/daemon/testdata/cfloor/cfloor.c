// cfloor: the least any Touch Bar daemon can do per tap, for
// BenchmarkVMDaemonTap with DAEMON_TAP_FLOOR (internal/daemon/tap_vm_test.go):
// one thread, a blocking read(2) of the digitizer, and on a touch down a
// hit-test of a row of buttons and one write(2) of the key to its own uinput
// keyboard; on the lift, the release. No poll, no library, no runtime: the
// kernel's path and nothing else.
//
// Written from the kernel's public headers. Built on the host by the
// benchmark: gcc -O2 -static -o cfloor cfloor.c
//
// Usage: cfloor DEVNODE WIDTH CODE:LEFT:RIGHT... (button edges in bar
// pixels, x in 0..WIDTH). It prints "ready" on stderr once its keyboard
// exists; it runs until killed.
#include <linux/input.h>
#include <stdlib.h>

#include "../keyboard.h"

int main(int argc, char **argv) {
	if (argc < 4) {
		fprintf(stderr, "usage: %s DEVNODE WIDTH CODE:LEFT:RIGHT...\n", argv[0]);
		return 2;
	}
	double width = atof(argv[2]);
	if (parse_buttons(argc, argv, 3) < 0)
		return 2;
	int dig = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (dig < 0) {
		perror("cfloor: digitizer");
		return 1;
	}
	struct input_absinfo ax;
	if (ioctl(dig, EVIOCGABS(ABS_MT_POSITION_X), &ax) < 0 || ax.maximum <= ax.minimum) {
		perror("cfloor: x axis");
		return 1;
	}
	int kb = keyboard("c floor keyboard");
	if (kb < 0)
		return 1;
	usleep(200000); // the node exists before "ready"
	fprintf(stderr, "ready\n");

	struct input_event evs[64];
	int x = 0, touching = 0, was = 0, held = -1;
	for (;;) {
		ssize_t n = read(dig, evs, sizeof evs);
		if (n <= 0) {
			perror("cfloor: read");
			return 1;
		}
		for (size_t i = 0; i < (size_t)n / sizeof evs[0]; i++) {
			struct input_event *e = &evs[i];
			if (e->type == EV_ABS && e->code == ABS_MT_POSITION_X)
				x = e->value;
			else if (e->type == EV_KEY && e->code == BTN_TOUCH)
				touching = e->value != 0;
			else if (e->type == EV_SYN && e->code == SYN_REPORT) {
				if (touching && !was) {
					held = hit((double)(x - ax.minimum) / (ax.maximum - ax.minimum) * width);
					if (held >= 0)
						key(kb, held, 1);
				} else if (!touching && was && held >= 0) {
					key(kb, held, 0);
					held = -1;
				}
				was = touching;
			}
		}
	}
}
