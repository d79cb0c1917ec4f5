package org.modload.loader.testing.exec;

import java.util.regex.Pattern;

/**
 * What the peer (llvm-jitlink) must show for a program and variant: run it with the expected
 * output, or refuse it in a known way (a limitation of the peer, recorded in the table).
 *
 * @param label how the table shows a peer cell that meets it: {@code pass}, {@code refuses}, {@code n/a}
 * @param refusal the pattern its refusal must match (find, not whole-line); null when it must run
 * @param why why it refuses, for the table's notes; null when it must run
 */
public record PeerExpectation(String label, Pattern refusal, String why) {

    /** The peer runs the objects and prints what the normally built program prints. */
    public static PeerExpectation runs() {
        return new PeerExpectation("pass", null, null);
    }

    /** The peer cannot link these objects: it refuses with a message containing {@code pattern}. */
    public static PeerExpectation refuses(String pattern, String why) {
        return new PeerExpectation("refuses", Pattern.compile(pattern), why);
    }

    /** The peer has no backend for the ABI at all: "n/a", still checked against its message. */
    public static PeerExpectation notApplicable(String pattern, String why) {
        return new PeerExpectation("n/a", Pattern.compile(pattern), why);
    }

    /** Null when {@code outcome} meets this, else why not. */
    public String check(PeerJitLink.Outcome outcome, ProgramOutput expected) {
        if (outcome instanceof PeerJitLink.Ran ran) {
            if (refusal != null) {
                String d = expected.difference(ran.output());
                return "expected the peer to refuse (" + why + "), but it ran" + (d == null ? " correctly" : ": " + d);
            }
            String d = expected.difference(ran.output());
            return d == null ? null : "peer: " + d;
        }
        String message = ((PeerJitLink.Refused) outcome).message();
        if (refusal == null) {
            return "peer refused: " + message;
        }
        return refusal.matcher(message).find() ? null : "peer refused unexpectedly: " + message;
    }
}
