package org.modload.loader.link;

/**
 * Where the layout put a {@link Reservation}.
 *
 * @param name the reservation's name
 * @param region its region
 * @param address its first address
 * @param size its size
 */
public record ReservedRange(String name, Region region, long address, long size) {
}
