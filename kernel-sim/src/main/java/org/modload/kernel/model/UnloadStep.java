package org.modload.kernel.model;

/**
 * The steps of delete_module, in order, each a point where {@link FaultInjection} may fail an
 * unload. A failed step leaves the kernel as it was before the delete_module call: the steps
 * already done are undone and the module is LIVE again, its references, edges, exports and
 * memory as they were.
 */
public enum UnloadStep {
    /** try_stop_module: holders and references are checked, the base reference dropped, LIVE to GOING. */
    REFCOUNT_CHECK,
    /** The module's exit function (cleanup_module), without the mutex. */
    EXIT,
    /** free_module: the module's exports leave the symbol table. */
    SYMBOL_REMOVAL,
    /** free_module: module_unload_free, the edges to the modules it uses and their references go. */
    DEPENDENCY_EDGES,
    /** free_module: its core memory is released and it leaves the module list. */
    MEMORY_RELEASE
}
