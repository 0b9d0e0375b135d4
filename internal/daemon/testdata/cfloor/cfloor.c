// cfloor: the least any Touch Bar daemon can do per tap, for
// BenchmarkVMDaemonTap with DAEMON_TAP_FLOOR (internal/daemon/tap_vm_test.go):
// one thread, a blocking read(2) of the digitizer, and on a touch down a
// hit-test of a row of buttons and one write(2) of the key to its own uinput
// keyboard; on the lift, the release. No poll, no library, no runtime: the
// kernel's path and nothing else.
//
// Written from the kernel's public headers. Built on the host by the
// benchmark: gcc -O2 -o cfloor cfloor.c
//
// Usage: cfloor DEVNODE WIDTH CODE:LEFT:RIGHT... (button edges in bar
// pixels, x in 0..WIDTH). It prints "ready" on stderr once its keyboard
// exists; it runs until killed.
#include <fcntl.h>
#include <linux/input.h>
#include <linux/uinput.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define MAX_BUTTONS 32

static struct {
	int code;
	double left, right;
} buttons[MAX_BUTTONS];
static int nbuttons;

static void key(int fd, int code, int value) {
	struct input_event ev[2];
	memset(ev, 0, sizeof ev);
	ev[0].type = EV_KEY;
	ev[0].code = code;
	ev[0].value = value;
	ev[1].type = EV_SYN;
	ev[1].code = SYN_REPORT;
	if (write(fd, ev, sizeof ev) != (ssize_t)sizeof ev)
		perror("cfloor: uinput write");
}

int main(int argc, char **argv) {
	if (argc < 4) {
		fprintf(stderr, "usage: %s DEVNODE WIDTH CODE:LEFT:RIGHT...\n", argv[0]);
		return 2;
	}
	double width = atof(argv[2]);
	for (int i = 3; i < argc && nbuttons < MAX_BUTTONS; i++) {
		if (sscanf(argv[i], "%d:%lf:%lf", &buttons[nbuttons].code, &buttons[nbuttons].left, &buttons[nbuttons].right) != 3) {
			fprintf(stderr, "cfloor: bad button %s\n", argv[i]);
			return 2;
		}
		nbuttons++;
	}
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
	int kb = open("/dev/uinput", O_WRONLY | O_CLOEXEC);
	if (kb < 0) {
		perror("cfloor: /dev/uinput");
		return 1;
	}
	ioctl(kb, UI_SET_EVBIT, EV_KEY);
	for (int i = 0; i < nbuttons; i++)
		ioctl(kb, UI_SET_KEYBIT, buttons[i].code);
	struct uinput_setup s;
	memset(&s, 0, sizeof s);
	s.id.bustype = BUS_VIRTUAL;
	s.id.version = 1;
	strcpy(s.name, "c floor keyboard");
	if (ioctl(kb, UI_DEV_SETUP, &s) < 0 || ioctl(kb, UI_DEV_CREATE) < 0) {
		perror("cfloor: uinput setup");
		return 1;
	}
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
					double px = (double)(x - ax.minimum) / (ax.maximum - ax.minimum) * width;
					for (int b = 0; b < nbuttons; b++)
						if (px >= buttons[b].left && px < buttons[b].right) {
							held = buttons[b].code;
							key(kb, held, 1);
						}
				} else if (!touching && was && held >= 0) {
					key(kb, held, 0);
					held = -1;
				}
				was = touching;
			}
		}
	}
}
