// keyboard.h: what the benchmark's C helpers (libinput-replica/replica.c,
// cfloor/cfloor.c) share: the row of buttons from the command line, the
// hit test, and the uinput keyboard that writes their keys.
//
// Written from the kernel's public headers (linux/uinput.h).
#include <fcntl.h>
#include <linux/uinput.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define MAX_BUTTONS 32

struct button {
	int code;
	double left, right;
};

static struct button buttons[MAX_BUTTONS];
static int nbuttons;

// parse_buttons reads CODE:LEFT:RIGHT arguments (edges in bar pixels);
// -1 on a bad one.
static int parse_buttons(int argc, char **argv, int first) {
	for (int i = first; i < argc && nbuttons < MAX_BUTTONS; i++) {
		struct button *b = &buttons[nbuttons];
		if (sscanf(argv[i], "%d:%lf:%lf", &b->code, &b->left, &b->right) != 3) {
			fprintf(stderr, "bad button %s\n", argv[i]);
			return -1;
		}
		nbuttons++;
	}
	return 0;
}

// hit is the key code of the button at x, or -1.
static int hit(double x) {
	for (int i = 0; i < nbuttons; i++)
		if (x >= buttons[i].left && x < buttons[i].right)
			return buttons[i].code;
	return -1;
}

// key writes one key event and its SYN_REPORT in one write(2).
static void key(int fd, int code, int value) {
	struct input_event ev[2];
	memset(ev, 0, sizeof ev);
	ev[0].type = EV_KEY;
	ev[0].code = code;
	ev[0].value = value;
	ev[1].type = EV_SYN;
	ev[1].code = SYN_REPORT;
	if (write(fd, ev, sizeof ev) != (ssize_t)sizeof ev)
		perror("uinput write");
}

// keyboard makes the uinput keyboard of the buttons' keys; -1 on failure.
static int keyboard(const char *name) {
	int fd = open("/dev/uinput", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		perror("/dev/uinput");
		return -1;
	}
	ioctl(fd, UI_SET_EVBIT, EV_KEY);
	for (int i = 0; i < nbuttons; i++)
		ioctl(fd, UI_SET_KEYBIT, buttons[i].code);
	struct uinput_setup s;
	memset(&s, 0, sizeof s);
	s.id.bustype = BUS_VIRTUAL;
	s.id.version = 1;
	snprintf(s.name, sizeof s.name, "%s", name);
	if (ioctl(fd, UI_DEV_SETUP, &s) < 0 || ioctl(fd, UI_DEV_CREATE) < 0) {
		perror("uinput setup");
		close(fd);
		return -1;
	}
	return fd;
}
