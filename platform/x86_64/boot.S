// Multiboot2 header and 32-bit entry: builds the boot page tables, enters long mode and jumps
// to the higher-half kernel. GRUB starts us in 32-bit protected mode, paging off, with
// eax = multiboot2 magic and ebx = physical address of the boot information
// [Multiboot2 spec §3.3].

#define KERNEL_VMA 0xffffffff80000000
#define PHYS(symbol) ((symbol) - KERNEL_VMA)
#define MB2_HEADER_MAGIC 0xe85250d6
#define MB2_BOOT_MAGIC 0x36d76289

// Page table entry bits [Intel SDM vol3 §4.5].
#define PTE_PRESENT_WRITE 0x3
#define PDE_LARGE_GLOBAL 0x183 // present, write, 2 MiB page, global

// ---- header: must lie within the first 32 KiB of the file, 8-byte aligned -------------------
  .section .multiboot2, "a"
  .balign 8
mb2_header:
  .long MB2_HEADER_MAGIC
  .long 0 // architecture: i386 protected mode
  .long mb2_header_end - mb2_header
  .long 0x100000000 - (MB2_HEADER_MAGIC + (mb2_header_end - mb2_header))
  // end tag
  .short 0
  .short 0
  .long 8
mb2_header_end:

// ---- 32-bit code, identity mapped at its physical address -----------------------------------
  .section .boot.text, "ax"
  .code32
  .global boot_entry32
boot_entry32:
  // The TSC at the kernel's first instructions: the start of the boot figures (boot_time.cpp).
  // rdtsc overwrites eax (the magic) and edx; esi is free until the page tables below.
  movl %eax, %esi
  rdtsc
  movl %eax, PHYS(boot_entry_tsc)
  movl %edx, PHYS(boot_entry_tsc) + 4
  movl %esi, %eax
  cli
  cld
  movl $PHYS(boot_stack_top), %esp
  cmpl $MB2_BOOT_MAGIC, %eax
  jne .Lfail
  movl %ebx, %edi // boot information; survives into 64-bit code as rdi

  // Long mode and NX are required [Intel SDM vol2 CPUID, leaf 80000001h].
  movl $0x80000000, %eax
  cpuid
  cmpl $0x80000001, %eax
  jb .Lfail
  movl $0x80000001, %eax
  cpuid
  testl $(1 << 29), %edx
  jz .Lfail
  testl $(1 << 20), %edx
  jz .Lfail

  // Zero the four boot tables (.bss may not be cleared yet when we get here).
  movl %edi, %esi
  movl $PHYS(boot_page_tables), %edi
  movl $(4 * 4096 / 4), %ecx
  xorl %eax, %eax
  rep stosl
  movl %esi, %edi

  // boot_pd maps physical 0..1 GiB with 2 MiB pages. It is reached three ways:
  // PML4[0] (identity, to survive turning paging on), PML4[256] (the early direct map at
  // 0xffff800000000000) and PML4[511]/PDPT[510] (the kernel at 0xffffffff80000000).
  movl $PHYS(boot_pd), %ebx
  xorl %ecx, %ecx
1:
  movl %ecx, %eax
  shll $21, %eax
  orl $PDE_LARGE_GLOBAL, %eax
  movl %eax, (%ebx, %ecx, 8)
  incl %ecx
  cmpl $512, %ecx
  jb 1b

  movl $(PHYS(boot_pd) + PTE_PRESENT_WRITE), %eax
  movl %eax, PHYS(boot_pdpt_low)
  movl %eax, PHYS(boot_pdpt_high) + 510 * 8
  movl $(PHYS(boot_pdpt_low) + PTE_PRESENT_WRITE), %eax
  movl %eax, PHYS(boot_pml4)
  movl %eax, PHYS(boot_pml4) + 256 * 8
  movl $(PHYS(boot_pdpt_high) + PTE_PRESENT_WRITE), %eax
  movl %eax, PHYS(boot_pml4) + 511 * 8

  // Long mode [Intel SDM vol3 §10.8.5]: PAE, CR3, EFER.LME, then CR0.PG.
  movl $PHYS(boot_pml4), %eax
  movl %eax, %cr3
  movl %cr4, %eax
  orl $(1 << 5), %eax // PAE
  movl %eax, %cr4
  movl $0xc0000080, %ecx // EFER
  rdmsr
  orl $((1 << 0) | (1 << 8) | (1 << 11)), %eax // SCE (syscall), LME, NXE
  wrmsr
  movl %cr0, %eax
  orl $((1 << 31) | (1 << 16) | 1), %eax // PG, WP (kernel honours read-only pages), PE
  movl %eax, %cr0

  lgdt boot_gdt_pointer
  ljmp $0x08, $boot_entry64_low

.Lfail:
  // Not multiboot2 or not a 64-bit CPU with NX: say so on COM1 and stop.
  movw $0x3f8, %dx
  movb $'!', %al
  outb %al, %dx
2:
  hlt
  jmp 2b

  .code64
boot_entry64_low:
  movabsq $boot_entry64, %rax
  jmp *%rax

// A temporary GDT for the jump to 64-bit code; platform init installs the real one.
  .section .boot.data, "a"
  .balign 16
boot_gdt:
  .quad 0
  .quad 0x00af9a000000ffff // 64-bit kernel code
  .quad 0x00cf92000000ffff // kernel data
boot_gdt_end:
boot_gdt_pointer:
  .short boot_gdt_end - boot_gdt - 1
  .long boot_gdt

// ---- 64-bit code in the higher half ----------------------------------------------------------
  .section .text
  .code64
boot_entry64:
  movw $0x10, %ax
  movw %ax, %ds
  movw %ax, %es
  movw %ax, %ss
  leaq boot_stack_top(%rip), %rsp
  movl %edi, %edi // upper halves are undefined after the mode switch: zero-extend
  xorl %ebp, %ebp
  call platform_boot
  ud2

// ---- the entry TSC (in .data: written before anything could clear .bss) --------------------
  .section .data
  .balign 8
  .global boot_entry_tsc
boot_entry_tsc:
  .quad 0

// ---- boot page tables and stack (in .bss of the higher-half image) ---------------------------
  .section .bss
  .balign 4096
boot_page_tables:
  .global boot_pml4
boot_pml4:
  .skip 4096
boot_pdpt_low:
  .skip 4096
boot_pdpt_high:
  .skip 4096
  .global boot_pd
boot_pd:
  .skip 4096
  .balign 16
boot_stack:
  .skip 16384
boot_stack_top:

  .section .note.GNU-stack, "", @progbits
