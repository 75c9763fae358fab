package ackline.asterisk;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

import ackline.call.AgentDial;
import ackline.call.PbxEvent;
import ackline.call.PbxEvent.Kind;
import ackline.call.PbxEvent.Leg;
import ackline.call.PbxUnavailableException;
import org.asteriskjava.manager.event.DialEvent;
import org.junit.jupiter.api.Test;

import static ackline.asterisk.AmiFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/**
 * How {@link AsteriskPbx} turns Asterisk-Java's events into the listener's {@link PbxEvent}s, fed the events an agent
 * call and an IVR call produce on Asterisk 20 (no PBX: {@code handle} is what its events thread runs).
 */
class AsteriskPbxEventTests {

	private static final UUID CALL = UUID.fromString("6b0f7c52-3f0e-4d3c-9a43-5d2f0c1e7a10");

	private static final String AGENT = "PJSIP/agent1-00000001";

	private static final String CLIENT = "PJSIP/carrier-00000002";

	private static final String OUTBOUND = "ackline-outbound";

	private final RecordingListener listener = new RecordingListener();

	private final AsteriskPbx pbx = new AsteriskPbx(AsteriskSettings.defaults("localhost", 5038), listener,
			Clock.fixed(Instant.parse("2026-11-21T08:00:00Z"), ZoneOffset.UTC));

	@Test
	void anAnsweredAgentCallIsReportedInOrderWithItsLegs() {
		dialled();
		// Newchannel comes before Originate's variables are set: no ChanVariable yet (Asterisk's stasis snapshot)
		pbx.handle(AmiFixtures.newchannel("PJSIP/agent1-00000001", "1.1", "1.1", null, T0));
		pbx.handle(AmiFixtures.varSet(AGENT, "1.1", "1.1", "__ACKLINE_CALL_ID", CALL.toString(), "default", T0 + .001));
		pbx.handle(AmiFixtures.newstate(AGENT, "1.1", "1.1", CALL, 5, "Ringing", "default", T0 + .002));
		pbx.handle(AmiFixtures.newstate(AGENT, "1.1", "1.1", CALL, 6, "Up", "default", T0 + 1));
		pbx.handle(AmiFixtures.originateResponse(CALL, "Success", 4, AGENT, "1.1", OUTBOUND, T0 + 1.001));
		pbx.handle(AmiFixtures.mixMonitorStart(AGENT, "1.1", "1.1", CALL, T0 + 1.002));
		pbx.handle(AmiFixtures.dialBegin(AGENT, "1.1", "1.1", CALL, CLIENT, "1.2", T0 + 1.003));
		// the client leg's Newchannel carries no variable yet either: its Linkedid is the agent channel's Uniqueid
		pbx.handle(AmiFixtures.newchannel(CLIENT, "1.2", "1.1", null, T0 + 1.003));
		pbx.handle(AmiFixtures.newstate(CLIENT, "1.2", "1.1", null, 5, "Ringing", null, T0 + 1.1));
		pbx.handle(AmiFixtures.newstate(CLIENT, "1.2", "1.1", CALL, 6, "Up", null, T0 + 3));
		pbx.handle(new DialEvent(AmiFixtures.dialBegin(AGENT, "1.1", "1.1", CALL, CLIENT, "1.2", T0 + 1.003)));
		pbx.handle(AmiFixtures.dialEnd(AGENT, "1.1", "1.1", CALL, CLIENT, "1.2", "ANSWER", T0 + 3.001));
		pbx.handle(AmiFixtures.bridgeEnter(AGENT, "1.1", "1.1", CALL, T0 + 3.002));
		pbx.handle(AmiFixtures.bridgeEnter(CLIENT, "1.2", "1.1", CALL, T0 + 3.003));
		pbx.handle(AmiFixtures.hangup(CLIENT, "1.2", "1.1", CALL, 16, "Normal Clearing", T0 + 30));
		pbx.handle(AmiFixtures.hangup(AGENT, "1.1", "1.1", CALL, 16, "Normal Clearing", T0 + 30.001));
		// after Hangup the channel variables may be gone: the Uniqueid still names the call
		pbx.handle(AmiFixtures.mixMonitorStop(AGENT, "1.1", "1.1", null, T0 + 30.002));

		assertThat(listener.events).extracting(PbxEvent::kind, PbxEvent::leg, PbxEvent::uniqueId)
			.containsExactly(tuple(Kind.CHANNEL_CREATED, Leg.AGENT, "1.1"), tuple(Kind.RINGING, Leg.AGENT, "1.1"),
					tuple(Kind.ANSWERED, Leg.AGENT, "1.1"), tuple(Kind.ORIGINATE_RESPONSE, Leg.AGENT, "1.1"),
					tuple(Kind.RECORDING_STARTED, Leg.AGENT, "1.1"), tuple(Kind.DIAL_BEGIN, Leg.CLIENT, "1.2"),
					tuple(Kind.CHANNEL_CREATED, Leg.CLIENT, "1.2"), tuple(Kind.RINGING, Leg.CLIENT, "1.2"),
					tuple(Kind.ANSWERED, Leg.CLIENT, "1.2"), tuple(Kind.DIAL_END, Leg.CLIENT, "1.2"),
					tuple(Kind.BRIDGE_ENTER, Leg.AGENT, "1.1"), tuple(Kind.BRIDGE_ENTER, Leg.CLIENT, "1.2"),
					tuple(Kind.HANGUP, Leg.CLIENT, "1.2"), tuple(Kind.HANGUP, Leg.AGENT, "1.1"),
					tuple(Kind.RECORDING_STOPPED, Leg.AGENT, "1.1"));
		assertThat(listener.events).allSatisfy((event) -> assertThat(event.callId()).isEqualTo(CALL));
		assertThat(listener.events.get(5).channel()).isEqualTo(CLIENT);
		assertThat(listener.events.get(9).detail()).containsEntry("dialStatus", "ANSWER");
		assertThat(listener.events.get(4).detail()).containsEntry("file", "ackline/2026/11/21/" + CALL + ".wav");
		assertThat(listener.events.get(12).detail()).containsOnly(entry("cause", "16"),
				entry("causeText", "Normal Clearing"));
		assertThat(listener.events.get(0).at()).isEqualTo(Instant.parse("2025-11-21T08:00:00.123456Z"));
	}

	@Test
	void anotherNodesCallIsMatchedWithoutHavingDialledIt() {
		pbx.handle(AmiFixtures.newstate(AGENT, "1.1", "1.1", CALL, 5, "Ringing", "default", T0));
		pbx.handle(AmiFixtures.dialBegin(AGENT, "1.1", "1.1", CALL, CLIENT, "1.2", T0 + 1));
		pbx.handle(AmiFixtures.newstate(CLIENT, "1.2", "1.1", null, 5, "Ringing", null, T0 + 1.1));

		assertThat(listener.events).extracting(PbxEvent::kind, PbxEvent::leg)
			.containsExactly(tuple(Kind.RINGING, Leg.AGENT), tuple(Kind.DIAL_BEGIN, Leg.CLIENT),
					tuple(Kind.RINGING, Leg.CLIENT));
	}

	@Test
	void theOriginatedChannelOfAnIvrCallIsTheClient() {
		UUID ivr = UUID.randomUUID();
		pbx.handle(AmiFixtures.newchannel("PJSIP/carrier-00000005", "5.1", "5.1", null, T0));
		pbx.handle(AmiFixtures.newstate("PJSIP/carrier-00000005", "5.1", "5.1", ivr, 6, "Up", "ackline-ivr", T0 + 1));
		pbx.handle(AmiFixtures.originateResponse(ivr, "Success", 4, "PJSIP/carrier-00000005", "5.1", "ackline-ivr",
				T0 + 1.001));
		pbx.handle(AmiFixtures.dtmfEnd("PJSIP/carrier-00000005", "5.1", "5.1", ivr, "1", "Received", T0 + 9));

		assertThat(listener.events).extracting(PbxEvent::kind, PbxEvent::leg)
			.containsExactly(tuple(Kind.CHANNEL_CREATED, Leg.CLIENT), tuple(Kind.ANSWERED, Leg.CLIENT),
					tuple(Kind.ORIGINATE_RESPONSE, Leg.CLIENT), tuple(Kind.DTMF, Leg.CLIENT));
		assertThat(listener.events.get(3).detail()).containsEntry("digit", "1");
	}

	@Test
	void anAgentWhoDoesNotAnswerEndsInAFailedOriginateResponse() {
		dialled();
		pbx.handle(AmiFixtures.newchannel(AGENT, "1.1", "1.1", null, T0));
		pbx.handle(AmiFixtures.varSet(AGENT, "1.1", "1.1", "__ACKLINE_CALL_ID", CALL.toString(), "default", T0));
		pbx.handle(AmiFixtures.newstate(AGENT, "1.1", "1.1", CALL, 5, "Ringing", "default", T0 + .1));
		pbx.handle(AmiFixtures.hangup(AGENT, "1.1", "1.1", CALL, 19, "No user responding", T0 + 30));
		// Asterisk names the requested channel (no Uniqueid) when the originate failed
		pbx.handle(AmiFixtures.originateResponse(CALL, "Failure", 3, "PJSIP/agent1", null, OUTBOUND, T0 + 30.001));

		PbxEvent response = listener.events.get(listener.events.size() - 1);
		assertThat(response.kind()).isEqualTo(Kind.ORIGINATE_RESPONSE);
		assertThat(response.leg()).isEqualTo(Leg.AGENT);
		assertThat(response.channel()).isEqualTo("PJSIP/agent1");
		assertThat(response.uniqueId()).isNull();
		assertThat(response.detail()).containsOnly(entry("response", "Failure"), entry("reason", "3"));
	}

	@Test
	void channelsOfOtherCallsAreIgnored() {
		pbx.handle(AmiFixtures.newchannel("PJSIP/reception-00000009", "9.1", "9.1", null, T0));
		pbx.handle(AmiFixtures.newstate("PJSIP/reception-00000009", "9.1", "9.1", null, 6, "Up", "from-internal", T0));
		pbx.handle(AmiFixtures.varSet("PJSIP/reception-00000009", "9.1", "9.1", "FOO", "bar", "from-internal", T0));
		pbx.handle(AmiFixtures.hangup("PJSIP/reception-00000009", "9.1", "9.1", null, 16, "Normal Clearing", T0));
		pbx.handle(AmiFixtures.originateResponse(UUID.randomUUID(), "Success", 4, "x", "9.9", "other", T0));
		assertThat(listener.events).hasSize(1).first().extracting(PbxEvent::kind)
			.isEqualTo(Kind.ORIGINATE_RESPONSE);
	}

	@Test
	void anOriginateResponseOfSomeoneElsesActionIsIgnored() {
		var response = AmiFixtures.originateResponse(CALL, "Success", 4, AGENT, "1.1", OUTBOUND, T0);
		response.setActionId("crm-42");
		pbx.handle(response);
		assertThat(listener.events).isEmpty();
	}

	@Test
	void aListenerThatThrowsDoesNotStopTheEvents() {
		RecordingListener failing = new RecordingListener() {
			@Override
			public void onEvent(PbxEvent event) {
				super.onEvent(event);
				throw new IllegalStateException("database down");
			}
		};
		AsteriskPbx adapter = new AsteriskPbx(AsteriskSettings.defaults("localhost", 5038), failing);
		adapter.handle(AmiFixtures.newstate(AGENT, "1.1", "1.1", CALL, 5, "Ringing", null, T0));
		adapter.handle(AmiFixtures.newstate(AGENT, "1.1", "1.1", CALL, 6, "Up", null, T0 + 1));
		assertThat(failing.kinds(CALL)).containsExactly(Kind.RINGING, Kind.ANSWERED);
	}

	@Test
	void dialsAreRefusedWhileTheLinkIsDown() {
		AgentDial dial = new AgentDial(CALL, "agent1", "+8613900139001", null, "x.wav",
				java.time.Duration.ofSeconds(20), java.time.Duration.ofSeconds(30));
		assertThatThrownBy(() -> pbx.dialForAgent(dial)).isInstanceOf(PbxUnavailableException.class)
			.hasMessageContaining("AMI link to localhost:5038 is down");
		assertThatThrownBy(pbx::activeCalls).isInstanceOf(PbxUnavailableException.class);
		assertThat(pbx.isConnected()).isFalse();
	}

	private void dialled() {
		// what dialForAgent records before it sends the Originate; the link is down here, so it then throws
		try {
			pbx.dialForAgent(new AgentDial(CALL, "agent1", "+8613900139001", null,
					"ackline/2026/11/21/" + CALL + ".wav", java.time.Duration.ofSeconds(20),
					java.time.Duration.ofSeconds(30)));
		}
		catch (PbxUnavailableException expected) {
			// the call is known all the same, as it is when the Originate went out
		}
	}

	private static org.assertj.core.groups.Tuple tuple(Object... values) {
		return org.assertj.core.groups.Tuple.tuple(values);
	}

}
