package io.gemtrack.policy;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The accounting policies of SEMANTICS.md §5: who is charged how many bytes for one live GEM object. The
 * constants are lower-case because their names are the ones used in URLs and metric labels.
 *
 * <p>Each policy charges an object's bytes to the processes it names and adds how much it charged in all to a
 * sum the {@link Ledger} gives it, so the ledger can add or retract an object's whole contribution in one pass
 * when the object changes. That sum is exact: the {@link #holder} policy charges an object once per holder, which
 * can exceed a {@code long}.
 */
public enum Policy {

    /** Today's kernel: GEM memory is invisible to the mm counters. */
    rss {
        @Override
        void charge(AccountedObject object, int sign, ExactSums charged) {
        }
    },

    /** The RFC's MM_DRIVERPAGES: the full size to the creator while anything is resident and its mm lives. */
    rfc {
        @Override
        void charge(AccountedObject object, int sign, ExactSums charged) {
            chargeCreator(object, sign, object.residentBytes() > 0 ? object.sizeBytes() : 0, charged);
        }
    },

    /** Like {@link #rfc}, but only the resident bytes, so sparse objects are not charged in full. */
    resident {
        @Override
        void charge(AccountedObject object, int sign, ExactSums charged) {
            chargeCreator(object, sign, object.residentBytes(), charged);
        }
    },

    /** A PSS for GPU memory: resident bytes split evenly over the holders, the remainder a byte each to the lowest pids. */
    proportional {
        @Override
        void charge(AccountedObject object, int sign, ExactSums charged) {
            int holders = object.holderCount();
            if (holders == 0) {
                return;
            }
            long share = object.residentBytes() / holders;
            long remainder = object.residentBytes() % holders;
            for (int i = 0; i < holders; i++) {
                object.holderCharges(i).add(this, sign * (i < remainder ? share + 1 : share));
            }
            charged.add(0, object.residentBytes());
        }
    },

    /** Per-file OOM badness: every holder is charged the whole resident size. */
    holder {
        @Override
        void charge(AccountedObject object, int sign, ExactSums charged) {
            int holders = object.holderCount();
            for (int i = 0; i < holders; i++) {
                object.holderCharges(i).add(this, sign * object.residentBytes());
                // Once per holder rather than holders times resident: the product may not fit in a long.
                charged.add(0, object.residentBytes());
            }
        }
    },

    /** A USS for GPU memory: what a kill would free, i.e. the objects a process alone keeps alive. */
    freeable {
        @Override
        void charge(AccountedObject object, int sign, ExactSums charged) {
            if (object.holderCount() != 1) {
                return;
            }
            object.holderCharges(0).add(this, sign * object.residentBytes());
            charged.add(0, object.residentBytes());
        }
    };

    private static final List<Policy> ALL = List.of(values());

    /**
     * Charges {@code sign} times this policy's share of {@code object} to the processes it names ({@code sign} is 1
     * to add the object's contribution, -1 to retract it), and adds the bytes it charges for the object over all
     * processes (never negative, whatever the sign) to sum 0 of {@code charged}.
     */
    abstract void charge(AccountedObject object, int sign, ExactSums charged);

    /** Charges {@code bytes} to the object's creator, if its mm lives. */
    final void chargeCreator(AccountedObject object, int sign, long bytes, ExactSums charged) {
        Charges creator = object.creatorCharges();
        if (creator != null) {
            creator.add(this, sign * bytes);
            charged.add(0, bytes);
        }
    }

    public static List<Policy> all() {
        return ALL;
    }

    /** The policy with this name, as written in URLs and labels. */
    public static Optional<Policy> named(String name) {
        return ALL.stream().filter(policy -> policy.name().equals(name)).findFirst();
    }

    /** The policy names, for error messages: {@code rss, rfc, ...}. */
    public static String names() {
        return Arrays.stream(values()).map(Policy::name).collect(Collectors.joining(", "));
    }
}
