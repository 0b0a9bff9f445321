package io.gemtrack.policy;

/**
 * What each policy charges for one object alone, split by who pays: its creator and each of its holders. The
 * same {@link Policy} rules as the {@link Ledger}, run into fresh accounts instead of the processes' own.
 */
public final class ObjectCharges {

    private final Charges creator;
    private final Charges[] holders;

    private ObjectCharges(Charges creator, Charges[] holders) {
        this.creator = creator;
        this.holders = holders;
    }

    public static ObjectCharges of(AccountedObject object) {
        Charges creator = object.creatorCharges() == null ? null : new Charges();
        Charges[] holders = new Charges[object.holderCount()];
        for (int i = 0; i < holders.length; i++) {
            holders[i] = new Charges();
        }
        AccountedObject separately = new AccountedObject() {
            @Override
            public long sizeBytes() {
                return object.sizeBytes();
            }

            @Override
            public long residentBytes() {
                return object.residentBytes();
            }

            @Override
            public long statusBytes(StatusFigure figure) {
                return object.statusBytes(figure);
            }

            @Override
            public Charges creatorCharges() {
                return creator;
            }

            @Override
            public int holderCount() {
                return holders.length;
            }

            @Override
            public Charges holderCharges(int index) {
                return holders[index];
            }

            @Override
            public RegionUsage region() {
                return object.region();
            }
        };
        // What each policy charges for the object in all: the ledger's business, not needed here.
        ExactSums inAll = new ExactSums(1);
        Policy.all().forEach(policy -> policy.charge(separately, 1, inAll));
        return new ObjectCharges(creator, holders);
    }

    /** The creator's charges for the object as creator, {@code null} once the creator's mm is dead. */
    public Charges creator() {
        return creator;
    }

    /** The charges of the {@code index}-th holder (ascending pid) for the object as holder. */
    public Charges holder(int index) {
        return holders[index];
    }
}
