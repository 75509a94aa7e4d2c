/* SPDX-License-Identifier: MIT */
/*
 * kconfig.h - IS_ENABLED(), IS_BUILTIN(), IS_MODULE() over CONFIG_ macros:
 * CONFIG_FOO defined to 1 means built in, CONFIG_FOO_MODULE to 1 modular,
 * undefined means off. ukmem defines no CONFIG_ options; a build may pass
 * some with -D. How: pasting the option's value onto a name that exists
 * only for "1" makes an extra macro argument appear, and the second
 * argument is picked.
 */
#ifndef _UKMEM_LINUX_KCONFIG_H
#define _UKMEM_LINUX_KCONFIG_H

#define __ukmem_cfg_yes_1	      ~,
#define __ukmem_cfg_second(a, b, ...) b
#define __ukmem_cfg_pick(maybe_comma) __ukmem_cfg_second(maybe_comma 1, 0, ~)
#define __ukmem_cfg_paste(val)	      __ukmem_cfg_pick(__ukmem_cfg_yes_##val)
#define __ukmem_cfg_on(opt)	      __ukmem_cfg_paste(opt)

#define IS_BUILTIN(option)   __ukmem_cfg_on(option)
#define IS_MODULE(option)    __ukmem_cfg_on(option##_MODULE)
#define IS_ENABLED(option)   (IS_BUILTIN(option) || IS_MODULE(option))
#define IS_REACHABLE(option) IS_ENABLED(option)

#endif
