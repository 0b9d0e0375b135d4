// libinput-replica: the input path of a libinput-based Touch Bar daemon,
// for BenchmarkVMDaemonTap (internal/daemon/tap_vm_test.go) to compare
// with. One thread: poll on libinput's fd, libinput_dispatch, and on a
// touch down hit-test a row of buttons and write the button's key to its
// own uinput keyboard; on the touch's up, release it. No drawing.
//
// Written from libinput's and the kernel's public documentation. Built on
// the host by the benchmark:
//
//	gcc -O2 -o libinput-replica replica.c $(pkg-config --cflags --libs libinput)
//
// Usage: libinput-replica DEVNODE WIDTH HEIGHT CODE:LEFT:RIGHT...
// (button edges in bar pixels, x in 0..WIDTH). It prints "ready" on stderr
// once its keyboard exists and the digitizer was added, and exits 0 on
// SIGTERM.
#include <errno.h>
#include <libinput.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>

#include "../keyboard.h"

#define MAX_SLOTS 16

static int held[MAX_SLOTS]; // key code held by each touch slot, or -1
static volatile sig_atomic_t stop;

static int open_restricted(const char *path, int flags, void *data) {
	(void)data;
	int fd = open(path, flags);
	return fd < 0 ? -errno : fd;
}

static void close_restricted(int fd, void *data) {
	(void)data;
	close(fd);
}

static const struct libinput_interface iface = {
	.open_restricted = open_restricted,
	.close_restricted = close_restricted,
};

static void on_term(int sig) {
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv) {
	if (argc < 5) {
		fprintf(stderr, "usage: %s DEVNODE WIDTH HEIGHT CODE:LEFT:RIGHT...\n", argv[0]);
		return 2;
	}
	const char *node = argv[1];
	double width = atof(argv[2]);
	double height = atof(argv[3]);
	if (parse_buttons(argc, argv, 4) < 0)
		return 2;
	for (int i = 0; i < MAX_SLOTS; i++)
		held[i] = -1;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	int kb = keyboard("libinput replica keyboard");
	if (kb < 0)
		return 1;
	struct libinput *li = libinput_path_create_context(&iface, NULL);
	if (!li) {
		fprintf(stderr, "replica: libinput context\n");
		return 1;
	}
	if (!libinput_path_add_device(li, node)) {
		fprintf(stderr, "replica: libinput does not take %s\n", node);
		return 1;
	}
	fprintf(stderr, "ready\n");

	struct pollfd pfd = {.fd = libinput_get_fd(li), .events = POLLIN};
	while (!stop) {
		if (poll(&pfd, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("replica: poll");
			break;
		}
		libinput_dispatch(li);
		struct libinput_event *ev;
		while ((ev = libinput_get_event(li)) != NULL) {
			enum libinput_event_type type = libinput_event_get_type(ev);
			if (type == LIBINPUT_EVENT_TOUCH_DOWN || type == LIBINPUT_EVENT_TOUCH_UP) {
				struct libinput_event_touch *t = libinput_event_get_touch_event(ev);
				int slot = libinput_event_touch_get_slot(t);
				if (slot >= 0 && slot < MAX_SLOTS) {
					if (type == LIBINPUT_EVENT_TOUCH_DOWN && held[slot] < 0) {
						double x = libinput_event_touch_get_x_transformed(t, (uint32_t)width);
						double y = libinput_event_touch_get_y_transformed(t, (uint32_t)height);
						int code = y >= 0 && y < height ? hit(x) : -1;
						if (code >= 0) {
							key(kb, code, 1);
							held[slot] = code;
						}
					} else if (type == LIBINPUT_EVENT_TOUCH_UP && held[slot] >= 0) {
						key(kb, held[slot], 0);
						held[slot] = -1;
					}
				}
			}
			libinput_event_destroy(ev);
		}
	}
	for (int i = 0; i < MAX_SLOTS; i++)
		if (held[i] >= 0)
			key(kb, held[i], 0);
	libinput_unref(li);
	ioctl(kb, UI_DEV_DESTROY);
	close(kb);
	return 0;
}
