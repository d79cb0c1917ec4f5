package org.modload.kernel;

/**
 * The phases of one {@code load_module()} call, in Linux 6.1's order. A failure in any phase
 * unwinds every earlier one in reverse.
 */
public enum LoadPhase {
    /** module_sig_check: the appended signature is recorded (verified by a later issue). */
    SIGNATURE,
    /** elf_validity_cache_copy: the structural checks of the ELF reader. */
    ELF_VALIDITY,
    /** setup_load_info / check_modinfo: .modinfo read (name, license, vermagic, depends, import_ns). */
    MODINFO,
    /** check_modinfo's vermagic comparison (skipped with force-vermagic). */
    VERMAGIC,
    /** check_modstruct_version / check_version: __versions CRCs against the exporters'. */
    MODVERSIONS,
    /** module_frob_arch_sections: the architecture sizes its tables. */
    ARCH_SIZING,
    /** layout_sections: core and init regions. */
    LAYOUT,
    /** move_module: memory allocated and the image copied; the module is registered UNFORMED. */
    ALLOCATE,
    /** simplify_symbols: every undefined symbol resolved; dependency edges (ref_module). */
    RESOLVE_SYMBOLS,
    /** apply_relocations. */
    RELOCATE,
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
