package ackline.email;

import java.time.Duration;
import java.util.Properties;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The reply mailbox read over IMAP.
 *
 * @param enabled whether to read replies at all; also off while {@code host} is empty
 * @param host the IMAP server
 * @param port the port, or 0 for the protocol's standard one (143, 993)
 * @param username the mailbox login
 * @param password the mailbox password, from the environment
 * @param protocol {@code imaps} (TLS) or {@code imap}
 * @param folder the folder replies arrive in
 * @param pollInterval how often to look for mail when IDLE is off or unsupported; also the first retry delay
 * after the reply handler failed
 * @param idle whether to wait for mail with IMAP IDLE when the server offers it
 * @param connectTimeout how long to wait for the server to accept a connection and for a health-check login
 */
@ConfigurationProperties("ackline.imap")
record ImapSettings(@DefaultValue("false") boolean enabled, @DefaultValue("") String host, @DefaultValue("0") int port,
		String username, String password, @DefaultValue("imaps") String protocol, @DefaultValue("INBOX") String folder,
		@DefaultValue("5s") Duration pollInterval, @DefaultValue("true") boolean idle,
		@DefaultValue("10s") Duration connectTimeout) {

	/** A read that takes longer means the connection is dead; IDLE itself is not subject to it. */
	static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

	ImapSettings {
		if (!"imap".equals(protocol) && !"imaps".equals(protocol)) {
			throw new IllegalArgumentException("ackline.imap.protocol must be imap or imaps, not '" + protocol + "'");
		}
		if (port < 0 || port > 65535) {
			throw new IllegalArgumentException("ackline.imap.port must be between 0 and 65535, not " + port);
		}
		if (pollInterval.isNegative() || pollInterval.isZero()) {
			throw new IllegalArgumentException("ackline.imap.poll-interval must be positive, not " + pollInterval);
		}
		if (connectTimeout.isNegative() || connectTimeout.isZero()) {
			throw new IllegalArgumentException("ackline.imap.connect-timeout must be positive, not " + connectTimeout);
		}
		if (folder == null || folder.isBlank()) {
			throw new IllegalArgumentException("ackline.imap.folder must not be empty");
		}
		host = host == null ? "" : host.strip();
	}

	/** True when replies should be read: enabled and a host to read them from. */
	boolean active() {
		return enabled && !host.isEmpty();
	}

	/** Jakarta Mail session properties for this mailbox. */
	Properties sessionProperties() {
		Properties properties = new Properties();
		String prefix = "mail." + protocol + ".";
		properties.setProperty("mail.store.protocol", protocol);
		properties.setProperty(prefix + "connectiontimeout", String.valueOf(connectTimeout.toMillis()));
		properties.setProperty(prefix + "timeout", String.valueOf(READ_TIMEOUT.toMillis()));
		// fetching a body must not set \Seen: only a recorded reply is marked seen
		properties.setProperty(prefix + "peek", "true");
		if ("imaps".equals(protocol)) {
			properties.setProperty(prefix + "ssl.checkserveridentity", "true");
		}
		return properties;
	}

	@Override
	public String toString() {
		return "ImapSettings[enabled=" + enabled + ", host=" + host + ", port=" + port + ", username=" + username
				+ ", password=" + (password == null || password.isEmpty() ? "(none)" : "******") + ", protocol="
				+ protocol + ", folder=" + folder + ", pollInterval=" + pollInterval + ", idle=" + idle
				+ ", connectTimeout=" + connectTimeout + "]";
	}

}
