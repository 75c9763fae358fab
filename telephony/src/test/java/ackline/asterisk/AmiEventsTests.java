package ackline.asterisk;

import java.time.Instant;
import java.util.Date;
import java.util.UUID;

import ackline.asterisk.AmiEvents.ChannelRef;
import ackline.call.PbxEvent.Kind;
import org.asteriskjava.manager.event.DialBeginEvent;
import org.asteriskjava.manager.event.DialEvent;
import org.asteriskjava.manager.event.HangupEvent;
import org.asteriskjava.manager.event.NewStateEvent;
import org.asteriskjava.manager.event.PeerStatusEvent;
import org.junit.jupiter.api.Test;

import static ackline.asterisk.AmiFixtures.SOURCE;
import static ackline.asterisk.AmiFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class AmiEventsTests {

	private static final UUID CALL = UUID.fromString("6b0f7c52-3f0e-4d3c-9a43-5d2f0c1e7a10");

	private static final String AGENT = "PJSIP/agent1-00000001";

	private static final String CLIENT = "PJSIP/carrier-00000002";

	@Test
	void newstateRingingAndUpAreRingingAndAnswered() {
		assertThat(AmiEvents.kind(AmiFixtures.newstate(AGENT, "1.1", "1.1", CALL, 5, "Ringing", null, T0)))
			.isEqualTo(Kind.RINGING);
		assertThat(AmiEvents.kind(AmiFixtures.newstate(AGENT, "1.1", "1.1", CALL, 4, "Ring", null, T0)))
			.isEqualTo(Kind.RINGING);
		assertThat(AmiEvents.kind(AmiFixtures.newstate(AGENT, "1.1", "1.1", CALL, 6, "Up", null, T0)))
			.isEqualTo(Kind.ANSWERED);
		assertThat(AmiEvents.kind(AmiFixtures.newstate(AGENT, "1.1", "1.1", CALL, 3, "Dialing", null, T0))).isNull();
	}

	@Test
	void newstateWithoutTheNumericStateGoesByItsDescription() {
		NewStateEvent event = new NewStateEvent(SOURCE);
		event.setChannelStateDesc("Up");
		assertThat(AmiEvents.kind(event)).isEqualTo(Kind.ANSWERED);
	}

	@Test
	void eachTimelineEventHasItsKindAndAsteriskName() {
		assertThat(AmiEvents.kind(AmiFixtures.newchannel(AGENT, "1.1", "1.1", null, T0)))
			.isEqualTo(Kind.CHANNEL_CREATED);
		assertThat(AmiEvents.name(AmiFixtures.newchannel(AGENT, "1.1", "1.1", null, T0))).isEqualTo("Newchannel");
		DialBeginEvent begin = AmiFixtures.dialBegin(AGENT, "1.1", "1.1", CALL, CLIENT, "1.2", T0);
		assertThat(AmiEvents.kind(begin)).isEqualTo(Kind.DIAL_BEGIN);
		assertThat(AmiEvents.name(begin)).isEqualTo("DialBegin");
		assertThat(AmiEvents.name(AmiFixtures.dialEnd(AGENT, "1.1", "1.1", CALL, CLIENT, "1.2", "ANSWER", T0)))
			.isEqualTo("DialEnd");
		assertThat(AmiEvents.kind(AmiFixtures.bridgeEnter(AGENT, "1.1", "1.1", CALL, T0)))
			.isEqualTo(Kind.BRIDGE_ENTER);
		assertThat(AmiEvents.name(AmiFixtures.bridgeEnter(AGENT, "1.1", "1.1", CALL, T0))).isEqualTo("BridgeEnter");
		assertThat(AmiEvents.kind(AmiFixtures.mixMonitorStart(AGENT, "1.1", "1.1", CALL, T0)))
			.isEqualTo(Kind.RECORDING_STARTED);
		assertThat(AmiEvents.name(AmiFixtures.mixMonitorStop(AGENT, "1.1", "1.1", CALL, T0)))
			.isEqualTo("MixMonitorStop");
		assertThat(AmiEvents.kind(AmiFixtures.hangup(AGENT, "1.1", "1.1", CALL, 16, "Normal Clearing", T0)))
			.isEqualTo(Kind.HANGUP);
		assertThat(AmiEvents.name(AmiFixtures.originateResponse(CALL, "Success", 4, AGENT, "1.1", "x", T0)))
			.isEqualTo("OriginateResponse");
		assertThat(AmiEvents.name(AmiFixtures.dtmfEnd(AGENT, "1.1", "1.1", CALL, "1", "Received", T0)))
			.isEqualTo("DTMFEnd");
	}

	@Test
	void eventsOutsideACallsTimelineHaveNoKind() {
		assertThat(AmiEvents.kind(new PeerStatusEvent(SOURCE))).isNull();
		assertThat(AmiEvents.kind(AmiFixtures.varSet(AGENT, "1.1", "1.1", "__ACKLINE_CALL_ID", CALL.toString(), null,
				T0)))
			.isNull();
	}

	@Test
	void theLegacyDialEventAsteriskJavaAddsForEveryDialBeginIsNotPartOfTheTimeline() {
		DialEvent legacy = new DialEvent(AmiFixtures.dialBegin(AGENT, "1.1", "1.1", CALL, CLIENT, "1.2", T0));
		assertThat(AmiEvents.kind(legacy)).isNull();
	}

	@Test
	void aKeyCountsOnceOnTheChannelThatReceivedIt() {
		assertThat(AmiEvents.kind(AmiFixtures.dtmfEnd(AGENT, "1.1", "1.1", CALL, "1", "Received", T0)))
			.isEqualTo(Kind.DTMF);
		assertThat(AmiEvents.kind(AmiFixtures.dtmfEnd(CLIENT, "1.2", "1.1", CALL, "1", "Sent", T0))).isNull();
	}

	@Test
	void callIdComesFromChanVariable() {
		assertThat(AmiEvents.callId(AmiFixtures.hangup(AGENT, "1.1", "1.1", CALL, 16, "Normal Clearing", T0)))
			.isEqualTo(CALL);
		assertThat(AmiEvents.callId(AmiFixtures.hangup(AGENT, "1.1", "1.1", null, 16, "Normal Clearing", T0)))
			.isNull();
		HangupEvent garbled = AmiFixtures.hangup(AGENT, "1.1", "1.1", null, 16, "Normal Clearing", T0);
		garbled.setChanVariables(java.util.Map.of("ACKLINE_CALL_ID", "not-a-uuid"));
		assertThat(AmiEvents.callId(garbled)).isNull();
		HangupEvent none = new HangupEvent(SOURCE);
		assertThat(AmiEvents.callId(none)).isNull();
	}

	@Test
	void varSetOfTheCallIdInEitherFormSetsIt() {
		assertThat(AmiEvents.callIdSet(
				AmiFixtures.varSet(AGENT, "1.1", "1.1", "__ACKLINE_CALL_ID", CALL.toString(), null, T0)))
			.isEqualTo(CALL);
		assertThat(AmiEvents.callIdSet(
				AmiFixtures.varSet(AGENT, "1.1", "1.1", "ACKLINE_CALL_ID", CALL.toString(), null, T0)))
			.isEqualTo(CALL);
		assertThat(AmiEvents.callIdSet(
				AmiFixtures.varSet(AGENT, "1.1", "1.1", "ACKLINE_RECORDING", CALL.toString(), null, T0)))
			.isNull();
	}

	@Test
	void callIdOfAnOriginateResponseComesFromItsActionId() {
		assertThat(AmiEvents.callIdOfAction("ackline-" + CALL)).isEqualTo(CALL);
		assertThat(AmiEvents.callIdOfAction("someone-else-1")).isNull();
		assertThat(AmiEvents.callIdOfAction(null)).isNull();
	}

	@Test
	void atIsAsterisksTimestampToTheMicrosecond() {
		HangupEvent event = AmiFixtures.hangup(AGENT, "1.1", "1.1", CALL, 16, "Normal Clearing", 1763712000.123456);
		assertThat(AmiEvents.at(event, Instant.EPOCH)).isEqualTo(Instant.parse("2025-11-21T08:00:00.123456Z"));
		event.setTimestamp(1763712000.000001);
		assertThat(AmiEvents.at(event, Instant.EPOCH)).isEqualTo(Instant.parse("2025-11-21T08:00:00.000001Z"));
		event.setTimestamp(1763712059.999999);
		assertThat(AmiEvents.at(event, Instant.EPOCH)).isEqualTo(Instant.parse("2025-11-21T08:00:59.999999Z"));
	}

	@Test
	void withoutATimestampAtIsWhenAsteriskJavaReceivedTheEvent() {
		HangupEvent event = AmiFixtures.hangup(AGENT, "1.1", "1.1", CALL, 16, "Normal Clearing", T0);
		event.setTimestamp(null);
		event.setDateReceived(Date.from(Instant.parse("2026-11-21T08:00:01Z")));
		assertThat(AmiEvents.at(event, Instant.EPOCH)).isEqualTo(Instant.parse("2026-11-21T08:00:01Z"));
		event.setDateReceived(null);
		assertThat(AmiEvents.at(event, Instant.EPOCH)).isEqualTo(Instant.EPOCH);
	}

	@Test
	void detailHoldsTheFieldsPbxEventNames() {
		assertThat(AmiEvents.detail(AmiFixtures.hangup(CLIENT, "1.2", "1.1", CALL, 17, "User busy", T0), Kind.HANGUP))
			.containsOnly(entry("cause", "17"), entry("causeText", "User busy"));
		assertThat(AmiEvents.detail(AmiFixtures.dialEnd(AGENT, "1.1", "1.1", CALL, CLIENT, "1.2", "NOANSWER", T0),
				Kind.DIAL_END))
			.containsOnly(entry("dialStatus", "NOANSWER"));
		assertThat(AmiEvents.detail(AmiFixtures.newstate(AGENT, "1.1", "1.1", CALL, 6, "Up", null, T0), Kind.ANSWERED))
			.containsOnly(entry("state", "Up"));
		assertThat(AmiEvents.detail(AmiFixtures.originateResponse(CALL, "Failure", 3, "PJSIP/agent1", null, "x", T0),
				Kind.ORIGINATE_RESPONSE))
			.containsOnly(entry("response", "Failure"), entry("reason", "3"));
		assertThat(AmiEvents.detail(AmiFixtures.dtmfEnd(CLIENT, "1.2", "1.1", CALL, "1", "Received", T0), Kind.DTMF))
			.containsOnly(entry("digit", "1"));
		assertThat(AmiEvents.detail(AmiFixtures.bridgeEnter(AGENT, "1.1", "1.1", CALL, T0), Kind.BRIDGE_ENTER))
			.isEmpty();
	}

	@Test
	void aDialEventIsMatchedByItsCallerAndIsAboutTheDialledChannel() {
		DialBeginEvent begin = AmiFixtures.dialBegin(AGENT, "1.1", "1.1", CALL, CLIENT, "1.2", T0);
		assertThat(AmiEvents.matchedBy(begin)).isEqualTo(new ChannelRef("1.1", "1.1", AGENT));
		assertThat(AmiEvents.subject(begin)).isEqualTo(new ChannelRef("1.2", "1.1", CLIENT));
	}

	@Test
	void theOriginatedChannelIsItsOwnLinkedid() {
		assertThat(new ChannelRef("1.1", "1.1", AGENT).originated()).isTrue();
		assertThat(new ChannelRef("1.2", "1.1", CLIENT).originated()).isFalse();
		assertThat(new ChannelRef(null, null, "PJSIP/agent1").originated()).isFalse();
	}

}
