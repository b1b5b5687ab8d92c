// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * Host unit tests of libvfio's device-free parts: the TAP writer, CRC32C,
 * region I/O bounds and byte order (a memfd stands in for the device fd:
 * regions are offsets in it, as in vfio-pci), the migration data writer's
 * chunking, eventfds, and the fn() forms failing with a message.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "libvfio.h"

/* What f wrote, as a string (the caller frees it). */
static char *captured(FILE *f, char **buf)
{
	fclose(f);
	return *buf;
}

static void test_tap_lines(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	tap_header(f, 3);
	tap_line(f, 1, "a/pass", TAP_PASS, "ignored");
	tap_line(f, 2, "a/fail", TAP_FAIL, NULL);
	tap_line(f, 3, "a/skip", TAP_SKIP, "why not");
	tap_diag(f, "two\n\nlines");
	tap_diagf(f, "n=%d", 4);
	tap_bail(f, "gone: %s", "EIO");
	assert_string_equal(captured(f, &buf),
			    "TAP version 13\n1..3\nok 1 a/pass\nnot ok 2 a/fail\n"
			    "ok 3 a/skip # SKIP why not\n# two\n#\n# lines\n# n=4\n"
			    "Bail out! gone: EIO\n");
	free(buf);
}

static void test_crc32c(void **state)
{
	static const uint8_t zeros[32];
	uint8_t buf[1031];

	(void)state;
	assert_int_equal(crc32c_sum("123456789", 9), 0xe3069283u);	/* the check value */
	assert_int_equal(crc32c_sum("", 0), 0);
	assert_int_equal(crc32c_sum(zeros, sizeof(zeros)), 0x8a9136aau);	/* RFC 3720 B.4 */
	/* the SSE4.2 path (where the CPU has it) and the tables agree */
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 131 + (i >> 3));
	for (size_t len = 0; len <= sizeof(buf); len += 7)
		assert_int_equal(crc32c_update(0x1234u, buf + len % 8, len - len % 8),
				 crc32c_update_sw(0x1234u, buf + len % 8, len - len % 8));
}

static int region_fd(void)
{
	int fd = memfd_create("region", 0);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 0x3000), 0);
	return fd;
}

static void test_region_io(void **state)
{
	const struct vfio_region_info ri = { .index = 0, .size = 0x1000, .offset = 0x1000 };
	uint8_t raw[4];
	uint32_t v = 0;
	int fd = region_fd();

	(void)state;
	assert_int_equal(__vfio_region_write32(fd, &ri, 0x10, 0x11223344u), 0);
	assert_int_equal(pread(fd, raw, 4, 0x1010), 4);
	assert_memory_equal(raw, "\x44\x33\x22\x11", 4);	/* little endian */
	assert_int_equal(__vfio_region_read32(fd, &ri, 0x10, &v), 0);
	assert_int_equal(v, 0x11223344u);
	assert_int_equal(__vfio_region_read32(fd, &ri, 0xffc, &v), 0);
	assert_int_equal(__vfio_region_read32(fd, &ri, 0xffd, &v), -ERANGE);
	assert_int_equal(__vfio_region_read(fd, &ri, 0x1001, raw, 0), -ERANGE);
	assert_int_equal(vfio_region_read32(fd, &ri, 0x10), 0x11223344u);
	close(fd);
}

static void test_mig_write_chunks(void **state)
{
	uint8_t data[2500], back[2500];
	int fd = region_fd();

	(void)state;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 13);
	assert_int_equal(__mig_write_all(fd, data, sizeof(data), 1000), 0);
	assert_int_equal(pread(fd, back, sizeof(back), 0), (ssize_t)sizeof(back));
	assert_memory_equal(back, data, sizeof(data));
	close(fd);
}

static void test_eventfd(void **state)
{
	uint64_t one = 1;
	int e = efd_new();

	(void)state;
	assert_int_equal(efd_take(e), 0);	/* non-blocking, nothing yet */
	assert_int_equal(efd_wait_any(&e, 1, 0), -1);
	assert_int_equal(write(e, &one, sizeof(one)), (ssize_t)sizeof(one));
	assert_int_equal(efd_wait_any(&e, 1, 100), 0);
	assert_int_equal(efd_take(e), 1);
	close(e);
}

/* The cdev of a device is found through its sysfs vfio-dev node. */
static void test_cdev_find(void **state)
{
	char root[] = "/tmp/libvfio-sysfs.XXXXXX", path[300], cdev[64];
	const char *saved = sysfs_pci_root;
	uint32_t ioas = 0;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/0000:00:05.1/vfio-dev/vfio7", root);
	for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = 0;
		assert_int_equal(mkdir(path, 0700), 0);
		*p = '/';
	}
	assert_int_equal(mkdir(path, 0700), 0);
	sysfs_pci_root = root;
	assert_int_equal(__vfio_cdev_find("0000:00:05.1", cdev, sizeof(cdev)), 0);
	assert_string_equal(cdev, "/dev/vfio/devices/vfio7");
	assert_int_equal(__vfio_cdev_find("0000:00:05.2", cdev, sizeof(cdev)), -ENOENT);
	assert_string_equal(cdev, "");
	sysfs_pci_root = saved;
	assert_int_equal(__iommufd_ioas_alloc(-1, &ioas), -EBADF);
	assert_int_equal(__vfio_cdev_attach(-1, 0, 0, 1), -EBADF);
	rmdir(path);
	*strrchr(path, '/') = 0;
	rmdir(path);
	*strrchr(path, '/') = 0;
	rmdir(path);
	rmdir(root);
}

/* fn() forms: the message and exit status 1 (in a child: they exit). */
static void test_fail_form(void **state)
{
	const struct vfio_region_info ri = { .index = 2, .size = 4 };
	char out[256] = "";
	int pipefd[2], status;
	ssize_t n;
	pid_t pid;

	(void)state;
	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		dup2(pipefd[1], STDOUT_FILENO);
		vfio_region_read32(-1, &ri, 8);	/* out of the region */
		_exit(0);
	}
	close(pipefd[1]);
	n = read(pipefd[0], out, sizeof(out) - 1);
	assert_true(n > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	assert_non_null(strstr(out, "Bail out! reading region 2+0x8: "));
	close(pipefd[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tap_lines),
		cmocka_unit_test(test_crc32c),
		cmocka_unit_test(test_region_io),
		cmocka_unit_test(test_mig_write_chunks),
		cmocka_unit_test(test_eventfd),
		cmocka_unit_test(test_cdev_find),
		cmocka_unit_test(test_fail_form),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
