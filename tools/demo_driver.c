// SPDX-License-Identifier: MIT
/* demo_driver.c - "ukmem demo": the NIC-like example driver (examples/nic_driver.c) run
 * correctly, then with its two planted bugs. */
#define NIC_NO_MAIN
#include "../examples/nic_driver.c"
#include "demo.h"

void demo_driver(void)
{
	unsigned long before;

	demo_heading("A driver: ioremap, DMA, an IRQ handler, a tasklet, a work item");
	printf("probe claims and ioremaps nic0's registers, allocates its ring with\n"
	       "dma_alloc_coherent() and buffers from a kmem_cache; the device DMAs packets\n"
	       "and raises IRQ %d; the handler (GFP_ATOMIC) defers to a tasklet and a work item\n"
	       "(GFP_KERNEL, vmalloc). The device reaches only 16 MiB: buffers are bounced.\n",
	       NIC_IRQ);
	fflush(stdout);
	nic_demo(0, 8, stdout);
	before = ukmem_report_total();
	printf("\nthe same driver with GFP_KERNEL in its IRQ handler:\n");
	fflush(stdout);
	nic_demo(NIC_BUG_GFP_KERNEL_IN_IRQ, 2, stdout);
	printf("\nand with dma_set_mask() forgotten (buffers beyond the device's reach, not "
	       "bounced):\n");
	fflush(stdout);
	nic_demo(NIC_BUG_NO_DMA_MASK, 2, stdout);
	printf("reports from the two planted bugs: %lu\n", ukmem_report_total() - before);
}
