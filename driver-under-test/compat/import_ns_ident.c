/* MODULE_IMPORT_NS() takes a bare identifier (a string literal later) */
#include <linux/module.h>
MODULE_IMPORT_NS(REFDEV_CONFTEST);
