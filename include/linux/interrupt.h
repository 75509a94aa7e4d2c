/* SPDX-License-Identifier: MIT */
/*
 * interrupt.h - interrupt lines (request_irq/free_irq), softirqs and
 * tasklets. A line's handlers run in hardirq context on the line's CPU
 * when a simulated device or ukmem_raise_irq() (<ukmem.h>) raises it; the
 * softirqs raised meanwhile run at irq_exit() (or in ksoftirqd/N), tasklets
 * among them. See docs/contexts.md.
 */
#ifndef _UKMEM_LINUX_INTERRUPT_H
#define _UKMEM_LINUX_INTERRUPT_H
#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/atomic.h>
#include <linux/hardirq.h>
#include <linux/bottom_half.h>
#include <linux/container_of.h>

/* lines 0 .. NR_IRQS - 1 (the x86 legacy 16 and the rest for devices) */
#define NR_IRQS 256

enum irqreturn {
	IRQ_NONE = (0 << 0),
	IRQ_HANDLED = (1 << 0),
	IRQ_WAKE_THREAD = (1 << 1),
};
typedef enum irqreturn irqreturn_t;
#define IRQ_RETVAL(x) ((x) ? IRQ_HANDLED : IRQ_NONE)

typedef irqreturn_t (*irq_handler_t)(int irq, void *dev_id);

/* request_irq() flags (the kernel's values) */
#define IRQF_TRIGGER_NONE    0x00000000
#define IRQF_TRIGGER_RISING  0x00000001
#define IRQF_TRIGGER_FALLING 0x00000002
#define IRQF_TRIGGER_HIGH    0x00000004
#define IRQF_TRIGGER_LOW     0x00000008
#define IRQF_TRIGGER_MASK                                                                          \
	(IRQF_TRIGGER_HIGH | IRQF_TRIGGER_LOW | IRQF_TRIGGER_RISING | IRQF_TRIGGER_FALLING)
#define IRQF_SHARED	     0x00000080
#define IRQF_PROBE_SHARED    0x00000100
#define IRQF_TIMER	     0x00000200
#define IRQF_PERCPU	     0x00000400
#define IRQF_NOBALANCING     0x00000800
#define IRQF_IRQPOLL	     0x00001000
#define IRQF_ONESHOT	     0x00002000
#define IRQF_NO_SUSPEND	     0x00004000
#define IRQF_FORCE_RESUME    0x00008000
#define IRQF_NO_THREAD	     0x00010000
#define IRQF_EARLY_RESUME    0x00020000
#define IRQF_COND_SUSPEND    0x00040000
#define IRQF_NO_AUTOEN	     0x00080000
#define IRQF_NO_DEBUG	     0x00100000

#pragma GCC visibility push(default)
int request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags, const char *name,
		void *dev_id);
const void *free_irq(unsigned int irq, void *dev_id);
void disable_irq(unsigned int irq);
void disable_irq_nosync(unsigned int irq);
void enable_irq(unsigned int irq);
void synchronize_irq(unsigned int irq);
#pragma GCC visibility pop

/* softirq vectors (the kernel's order: lower numbers run first) */
enum {
	HI_SOFTIRQ = 0,
	TIMER_SOFTIRQ,
	NET_TX_SOFTIRQ,
	NET_RX_SOFTIRQ,
	BLOCK_SOFTIRQ,
	IRQ_POLL_SOFTIRQ,
	TASKLET_SOFTIRQ,
	SCHED_SOFTIRQ,
	HRTIMER_SOFTIRQ,
	RCU_SOFTIRQ,
	NR_SOFTIRQS
};

struct softirq_action {
	void (*action)(void);
};

#pragma GCC visibility push(default)
void open_softirq(int nr, void (*action)(void));
void raise_softirq(unsigned int nr);
void raise_softirq_irqoff(unsigned int nr);
/* the softirqs pending on the caller's CPU (which only means something with the CPU held) */
u32 local_softirq_pending(void);
#pragma GCC visibility pop

/* tasklets: run once per schedule, in softirq context, never on two CPUs at once */
struct tasklet_struct {
	struct tasklet_struct *next;
	unsigned long state;
	atomic_t count; /* > 0: disabled */
	bool use_callback;
	union {
		void (*func)(unsigned long data);
		void (*callback)(struct tasklet_struct *t);
	};
	unsigned long data;
};

enum {
	TASKLET_STATE_SCHED, /* scheduled for execution */
	TASKLET_STATE_RUN,   /* running (tasklets never run on two CPUs at once) */
};

#define DECLARE_TASKLET(name, _callback)                                                          \
	struct tasklet_struct name = {                                                             \
	    .count = ATOMIC_INIT(0), .use_callback = true, .callback = _callback}
#define DECLARE_TASKLET_DISABLED(name, _callback)                                                 \
	struct tasklet_struct name = {                                                             \
	    .count = ATOMIC_INIT(1), .use_callback = true, .callback = _callback}
#define from_tasklet(var, callback_tasklet, tasklet_fieldname)                                    \
	container_of(callback_tasklet, __typeof__(*var), tasklet_fieldname)

#pragma GCC visibility push(default)
void tasklet_setup(struct tasklet_struct *t, void (*callback)(struct tasklet_struct *));
void tasklet_init(struct tasklet_struct *t, void (*func)(unsigned long), unsigned long data);
void __tasklet_schedule(struct tasklet_struct *t);
void __tasklet_hi_schedule(struct tasklet_struct *t);
void tasklet_kill(struct tasklet_struct *t);
void tasklet_disable_nosync(struct tasklet_struct *t);
void tasklet_disable(struct tasklet_struct *t);
void tasklet_enable(struct tasklet_struct *t);
void tasklet_unlock_wait(struct tasklet_struct *t);
#pragma GCC visibility pop

static inline void tasklet_schedule(struct tasklet_struct *t)
{
	if (!(__atomic_fetch_or(&t->state, 1UL << TASKLET_STATE_SCHED, __ATOMIC_SEQ_CST) &
	      (1UL << TASKLET_STATE_SCHED)))
		__tasklet_schedule(t);
}

static inline void tasklet_hi_schedule(struct tasklet_struct *t)
{
	if (!(__atomic_fetch_or(&t->state, 1UL << TASKLET_STATE_SCHED, __ATOMIC_SEQ_CST) &
	      (1UL << TASKLET_STATE_SCHED)))
		__tasklet_hi_schedule(t);
}

static inline bool tasklet_is_scheduled(struct tasklet_struct *t)
{
	return __atomic_load_n(&t->state, __ATOMIC_ACQUIRE) & (1UL << TASKLET_STATE_SCHED);
}

#endif
