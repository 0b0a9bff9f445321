package io.gemtrack.policy;

/**
 * What the policies need to know about one live GEM object. Holders are numbered in ascending pid order,
 * which is the order {@link Policy#proportional} hands out remainder bytes in.
 */
public interface AccountedObject {

    long sizeBytes();

    long residentBytes();

    long statusBytes(StatusFigure figure);

    /** The charges of the process whose current mm created the object, or {@code null} once that mm is dead. */
    Charges creatorCharges();

    int holderCount();

    /** The charges of the {@code index}-th holder in ascending pid order. */
    Charges holderCharges(int index);

    /** The (device, region) the object's memory comes from. */
    RegionUsage region();
}
