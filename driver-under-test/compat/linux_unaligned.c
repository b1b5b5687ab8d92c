/* get_unaligned_le*() live in <linux/unaligned.h> (<asm/unaligned.h> before) */
#include <linux/unaligned.h>
