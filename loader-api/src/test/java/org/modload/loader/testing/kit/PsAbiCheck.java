package org.modload.loader.testing.kit;

import java.util.List;
import java.util.Optional;

import org.modload.loader.elf.ElfClass;
import org.modload.loader.reloc.Field;
import org.modload.loader.reloc.RelocationType;
import org.modload.loader.testing.PsAbiCalculation;
import org.modload.loader.testing.PsAbiTable;

/** {@link KitCheck#PSABI}: the plugin's rows against the psABI table it ships, in both directions. */
final class PsAbiCheck {
    private PsAbiCheck() {
    }

    static List<Probe> probes(KitContext ctx) {
        Optional<KitSpec.PsAbi> psAbi = ctx.spec().psAbi();
        if (psAbi.isEmpty()) {
            return List.of(Probe.failing(KitCheck.PSABI, "the psABI table", "checked nothing: the spec names no psABI"
                    + " CSV (psabi/<arch>.csv: name,number,field,calculation as the document prints them)"));
        }
        PsAbiTable table = psAbi.get().table();
        Field classWord = ctx.plugin().elfClass() == ElfClass.ELFCLASS32 ? Field.WORD32 : Field.WORD64;
        PsAbiCalculation calculation = new PsAbiCalculation(psAbi.get().g());
        return List.of(
                new Probe(KitCheck.PSABI, "every psABI row has its constant", () -> {
                    if (table.rows().isEmpty()) {
                        throw new AssertionError("checked nothing: the psABI CSV has no rows");
                    }
                    List<String> d = table.differences(n -> Optional.ofNullable(ctx.rows().byNumber().get(n)),
                            classWord, calculation);
                    if (!d.isEmpty()) {
                        throw new AssertionError(d.size() + " rows differ from the psABI:\n" + String.join("\n", d));
                    }
                    return table.rows().size() + " psABI rows: name, number, field and calculation";
                }),
                new Probe(KitCheck.PSABI, "every constant has its psABI row", () -> {
                    List<RelocationType> rows = List.copyOf(ctx.rows().byNumber().values());
                    List<String> extra = table.extra(rows);
                    if (!extra.isEmpty()) {
                        throw new AssertionError("constants the psABI table does not have: " + String.join(", ", extra));
                    }
                    return rows.size() + " constants";
                }));
    }
}
