package ackline.asterisk;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The Asterisk PBX Ackline dials through ({@code ackline.asterisk.*}): the AMI login, how Ackline's calls map onto
 * channels and dialplan contexts, and the FastAGI server Asterisk calls back for the IVR. The defaults match the
 * simulated PBX of the local run and the committed {@code deploy/asterisk} configuration; the AMI password comes from
 * the environment ({@code ACKLINE_ASTERISK_PASSWORD}) in a real deployment.
 *
 * @param enabled whether to connect to a PBX at all
 * @param host the AMI host
 * @param port the AMI port (manager.conf {@code port})
 * @param username the AMI user (a manager.conf section)
 * @param password the AMI user's secret
 * @param agentChannel the channel an agent call rings first; {@code {agent}} becomes the agent's endpoint
 * @param trunkChannel the channel an IVR call rings; {@code {number}} becomes the client's number without '+'
 * @param outboundContext the dialplan context an agent call continues in once the agent answers
 * @param ivrContext the dialplan context an IVR call continues in once the client answers
 * @param agiBind the address the FastAGI server listens on
 * @param agiPort the FastAGI port; 0 picks a free one (tests), read it back from {@link AsteriskPbx#agiPort()}
 * @param agiUrl the FastAGI address Asterisk dials back on an IVR call, as the dialplan's {@code AGI()} takes it;
 * port 0 stands for the port the FastAGI server bound
 * @param recordingsDir where this node sees the PBX's monitor spool (a volume shared with Asterisk); relative
 * recording names resolve against it
 * @param reconnectMin the first pause before reconnecting to AMI, doubled after every failed attempt
 * @param reconnectMax the longest pause between reconnection attempts
 * @param pingInterval how often an idle link is checked with an AMI Ping (a silent dead link is otherwise never
 * noticed: AMI sends nothing while no call is up)
 * @param actionTimeout how long an AMI action (and the connection itself) may take before it counts as failed
 */
@ConfigurationProperties("ackline.asterisk")
public record AsteriskSettings(@DefaultValue("true") boolean enabled, @DefaultValue("localhost") String host,
		@DefaultValue("5038") int port, @DefaultValue("ackline") String username,
		@DefaultValue("ackline") String password, @DefaultValue("PJSIP/{agent}") String agentChannel,
		@DefaultValue("PJSIP/{number}@carrier") String trunkChannel,
		@DefaultValue("ackline-outbound") String outboundContext, @DefaultValue("ackline-ivr") String ivrContext,
		@DefaultValue("0.0.0.0") String agiBind, @DefaultValue("4573") int agiPort,
		@DefaultValue("agi://localhost:4573/notice-ack") String agiUrl,
		@DefaultValue("/var/spool/asterisk/monitor") Path recordingsDir, @DefaultValue("1s") Duration reconnectMin,
		@DefaultValue("30s") Duration reconnectMax, @DefaultValue("10s") Duration pingInterval,
		@DefaultValue("5s") Duration actionTimeout) {

	public AsteriskSettings {
		requireText(host, "host");
		requireText(username, "username");
		requireText(outboundContext, "outbound-context");
		requireText(ivrContext, "ivr-context");
		requireText(agiBind, "agi-bind");
		requireText(agiUrl, "agi-url");
		if (agentChannel == null || !agentChannel.contains("{agent}")) {
			throw new IllegalArgumentException(
					"ackline.asterisk.agent-channel must contain {agent}, e.g. PJSIP/{agent}, not '" + agentChannel + "'");
		}
		if (trunkChannel == null || !trunkChannel.contains("{number}")) {
			throw new IllegalArgumentException("ackline.asterisk.trunk-channel must contain {number}, e.g. "
					+ "PJSIP/{number}@carrier, not '" + trunkChannel + "'");
		}
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException("ackline.asterisk.port must be between 1 and 65535, not " + port);
		}
		if (agiPort < 0 || agiPort > 65535) {
			throw new IllegalArgumentException("ackline.asterisk.agi-port must be between 0 and 65535, not " + agiPort);
		}
		requirePositive(reconnectMin, "reconnect-min");
		requirePositive(reconnectMax, "reconnect-max");
		requirePositive(pingInterval, "ping-interval");
		requirePositive(actionTimeout, "action-timeout");
		if (reconnectMax.compareTo(reconnectMin) < 0) {
			throw new IllegalArgumentException("ackline.asterisk.reconnect-max (" + reconnectMax
					+ ") must not be shorter than ackline.asterisk.reconnect-min (" + reconnectMin + ")");
		}
		password = password == null ? "" : password;
		recordingsDir = recordingsDir == null ? Path.of("/var/spool/asterisk/monitor") : recordingsDir;
	}

	/** Settings with every default, pointing at an AMI server on {@code host:port}. */
	public static AsteriskSettings defaults(String host, int port) {
		return new AsteriskSettings(true, host, port, "ackline", "ackline", "PJSIP/{agent}", "PJSIP/{number}@carrier",
				"ackline-outbound", "ackline-ivr", "0.0.0.0", 4573, "agi://localhost:4573/notice-ack",
				Path.of("/var/spool/asterisk/monitor"), Duration.ofSeconds(1), Duration.ofSeconds(30),
				Duration.ofSeconds(10), Duration.ofSeconds(5));
	}

	/** A copy with another FastAGI listening address and the URL Asterisk dials back. */
	public AsteriskSettings withAgi(String bind, int port, String url) {
		return new AsteriskSettings(enabled, host, this.port, username, password, agentChannel, trunkChannel,
				outboundContext, ivrContext, bind, port, url, recordingsDir, reconnectMin, reconnectMax, pingInterval,
				actionTimeout);
	}

	/** A copy with other reconnection and ping timings. */
	public AsteriskSettings withTimings(Duration reconnectMin, Duration reconnectMax, Duration pingInterval,
			Duration actionTimeout) {
		return new AsteriskSettings(enabled, host, port, username, password, agentChannel, trunkChannel,
				outboundContext, ivrContext, agiBind, agiPort, agiUrl, recordingsDir, reconnectMin, reconnectMax,
				pingInterval, actionTimeout);
	}

	/** A copy with another view of the PBX's monitor spool. */
	public AsteriskSettings withRecordingsDir(Path recordingsDir) {
		return new AsteriskSettings(enabled, host, port, username, password, agentChannel, trunkChannel,
				outboundContext, ivrContext, agiBind, agiPort, agiUrl, recordingsDir, reconnectMin, reconnectMax,
				pingInterval, actionTimeout);
	}

	/**
	 * Where this node reads a recording the PBX wrote: names relative to the monitor spool resolve against
	 * {@code recordingsDir}, absolute names are taken as they are.
	 */
	public Path recordingPath(String file) {
		Path path = Path.of(file);
		return path.isAbsolute() ? path : recordingsDir.resolve(path);
	}

	/** The agent's channel to originate, e.g. {@code PJSIP/agent1}. */
	String agentChannelFor(String agentEndpoint) {
		return agentChannel.replace("{agent}", agentEndpoint);
	}

	/** The client's channel through the trunk, e.g. {@code PJSIP/8613900139001@carrier}. */
	String trunkChannelFor(String digits) {
		return trunkChannel.replace("{number}", digits);
	}

	/**
	 * The name prefix of the channels the trunk creates ({@code PJSIP/carrier-} for {@code PJSIP/{number}@carrier}),
	 * or null when the pattern does not say: channels with it are always the client's leg.
	 */
	String trunkChannelPrefix() {
		int slash = trunkChannel.indexOf('/');
		int at = trunkChannel.lastIndexOf('@');
		if (slash < 0 || at < slash || at == trunkChannel.length() - 1) {
			return null;
		}
		return trunkChannel.substring(0, slash) + "/" + trunkChannel.substring(at + 1) + "-";
	}

	@Override
	public String toString() {
		return "AsteriskSettings[enabled=" + enabled + ", host=" + host + ", port=" + port + ", username=" + username
				+ ", password=" + (password.isEmpty() ? "(none)" : "******") + ", agentChannel=" + agentChannel
				+ ", trunkChannel=" + trunkChannel + ", outboundContext=" + outboundContext + ", ivrContext="
				+ ivrContext + ", agiBind=" + agiBind + ", agiPort=" + agiPort + ", agiUrl=" + agiUrl
				+ ", recordingsDir=" + recordingsDir + ", reconnectMin=" + reconnectMin + ", reconnectMax="
				+ reconnectMax + ", pingInterval=" + pingInterval + ", actionTimeout=" + actionTimeout + "]";
	}

	private static void requireText(String value, String name) {
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException("ackline.asterisk." + name + " must not be empty");
		}
	}

	private static void requirePositive(Duration value, String name) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException("ackline.asterisk." + name + " must be positive, not " + value);
		}
	}

}
