package ackline.callback;

/** What an agent records after a call-back call (or the dialer records for calls nobody answered). */
public enum Disposition {

	/** The client was reached and confirmed (identity checked, script answered). Completes the task. */
	REACHED_CONFIRMED(Effect.DONE),
	/** The client was reached and refused or disputed. Completes the task; the answers say what. */
	REACHED_REFUSED(Effect.DONE),
	/** Someone else answered. The number is wrong for this client: the task fails. */
	WRONG_PERSON(Effect.FAILED),
	/** The client asked to be called at another time ({@code callBackAt}). Reschedules, for the same agent. */
	CALL_BACK_LATER(Effect.RESCHEDULE),
	/** Nobody answered. Retried by the type's policy. */
	NO_ANSWER(Effect.RETRY),
	/** The line was busy. Retried by the type's policy. */
	BUSY(Effect.RETRY),
	/** The call dropped before the script was done. Retried by the type's policy. */
	CALL_DROPPED(Effect.RETRY),
	/** The number does not exist. The task fails. */
	INVALID_NUMBER(Effect.FAILED),
	/** The client refuses calls of this kind. The task fails, with the reason, for a person to follow up. */
	DO_NOT_CALL(Effect.FAILED);

	enum Effect {

		DONE, FAILED, RETRY, RESCHEDULE

	}

	private final Effect effect;

	Disposition(Effect effect) {
		this.effect = effect;
	}

	Effect effect() {
		return effect;
	}

}
