/* SPDX-License-Identifier: MIT */
#ifndef _UKMEM_LINUX_MINMAX_H
#define _UKMEM_LINUX_MINMAX_H
#define min(x, y) ({ __typeof__(x) _mn1 = (x); __typeof__(y) _mn2 = (y); _mn1 < _mn2 ? _mn1 : _mn2; })
#define max(x, y) ({ __typeof__(x) _mx1 = (x); __typeof__(y) _mx2 = (y); _mx1 > _mx2 ? _mx1 : _mx2; })
#define min_t(t, x, y) ({ t _mn1 = (x); t _mn2 = (y); _mn1 < _mn2 ? _mn1 : _mn2; })
#define max_t(t, x, y) ({ t _mx1 = (x); t _mx2 = (y); _mx1 > _mx2 ? _mx1 : _mx2; })
#define clamp(v, lo, hi) min(max(v, lo), hi)
#define swap(a, b) do { __typeof__(a) _sw = (a); (a) = (b); (b) = _sw; } while (0)
#endif
