package org.modload.kernel.model;

/**
 * The phases of one {@code load_module()} call, in Linux 6.1's order. A failure in any phase
 * undoes every earlier one in reverse. The phases up to ALLOCATE, and RESOLVE_SYMBOLS to
 * EXPORTS, run outside the kernel's module mutex, so loads of different modules overlap; the
 * mutex is held to reserve the name (ALLOCATE), for each symbol lookup with its dependency edge
 * (RESOLVE_SYMBOLS), and for the state changes (COMING, LIVE).
 */
public enum LoadPhase {
    /**
     * module_sig_check: the appended signature verified against the kernel's keyring, first of
     * all, as the kernel's signature policy says ({@link SignaturePolicy}).
     */
    SIGNATURE,
    /** elf_validity_cache_copy: the structural checks of the ELF reader. */
    ELF_VALIDITY,
    /** setup_load_info / check_modinfo: .modinfo read (name, license, vermagic, depends, import_ns). */
    MODINFO,
    /** check_modinfo's vermagic comparison (skipped with force-vermagic). */
    VERMAGIC,
    /**
     * check_modstruct_version / check_version: __versions CRCs against the kernel's exports
     * before layout; against a module exporter's when the symbol is resolved, under the mutex.
     */
    MODVERSIONS,
    /** module_frob_arch_sections: the architecture sizes its tables. */
    ARCH_SIZING,
    /** layout_sections: core and init regions. */
    LAYOUT,
    /**
     * move_module / add_unformed_module: memory allocated and the image copied; the module is
     * added to the list UNFORMED, after waiting for a load of the same name still in progress.
     */
    ALLOCATE,
    /**
     * simplify_symbols: every undefined symbol resolved; dependency edges (ref_module), waiting
     * for an exporter that is still COMING, as resolve_symbol_wait does.
     */
    RESOLVE_SYMBOLS,
    /** apply_relocations. */
    RELOCATE,
    /** post_relocation / module_finalize: the architecture's kernel-side steps. */
    FINALIZE,
    /** The .gnu.linkonce.this_module size check against sizeof(struct module). */
    THIS_MODULE,
    /** find_module_sections / verify_exported_symbols: the module's exports read and checked. */
    EXPORTS,
    /** complete_formation / prepare_coming_module: state COMING, exports visible. */
    COMING,
    /** do_init_module: the module's init runs. */
    INIT,
    /** State LIVE, init sections released. */
    LIVE
}
