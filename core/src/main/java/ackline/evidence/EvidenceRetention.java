package ackline.evidence;

import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.Map;

/**
 * How long each kind of evidence is kept unalterable (R-EV-4: service archives at least 5 years, call-back records at
 * least 3, account records commonly 20): {@code ackline.evidence.retention.<kind>} as ISO-8601 periods. Defaults:
 * recordings and messages 5 years; acknowledgements (link clicks, IVR key presses) 20 years.
 */
public final class EvidenceRetention {

	private final Map<EvidenceKind, Period> periods;

	public EvidenceRetention(Map<EvidenceKind, Period> configured) {
		Map<EvidenceKind, Period> p = new EnumMap<>(EvidenceKind.class);
		for (EvidenceKind kind : EvidenceKind.values()) {
			p.put(kind, switch (kind) {
				case ACK_CLICK, IVR_KEYPRESS -> Period.ofYears(20);
				default -> Period.ofYears(5);
			});
		}
		if (configured != null) {
			configured.forEach((kind, period) -> {
				if (period.isNegative() || period.isZero()) {
					throw new IllegalArgumentException("ackline.evidence.retention." + kind + " must be a positive period");
				}
				p.put(kind, period);
			});
		}
		this.periods = Map.copyOf(p);
	}

	public static EvidenceRetention defaults() {
		return new EvidenceRetention(null);
	}

	public Period period(EvidenceKind kind) {
		return periods.get(kind);
	}

	/** When evidence of this kind stored at {@code storedAt} may go (counted in UTC calendar terms). */
	public Instant retainUntil(EvidenceKind kind, Instant storedAt) {
		return storedAt.atOffset(ZoneOffset.UTC).plus(periods.get(kind)).toInstant();
	}

}
