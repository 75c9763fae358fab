package ackline.asterisk;

import java.time.Clock;

import ackline.call.Pbx;
import ackline.call.PbxListener;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Wires the Asterisk adapter: an {@link AsteriskPbx} for the dialer's {@link PbxListener} while
 * {@code ackline.asterisk.enabled} is true (the default), unless the application brings its own {@link Pbx}. The
 * adapter starts with the application context (connecting in the background) and logs off when it closes.
 */
// An auto-configuration, not a scanned @Configuration: its condition looks for the dialer's PbxListener, and only
// auto-configurations are evaluated after the application's own beans. @SpringBootApplication's
// AutoConfigurationExcludeFilter keeps it out of the scan of package "ackline".
@AutoConfiguration
@EnableConfigurationProperties(AsteriskSettings.class)
@ConditionalOnProperty(prefix = "ackline.asterisk", name = "enabled", havingValue = "true", matchIfMissing = true)
public class AsteriskConfiguration {

	@Bean
	@ConditionalOnBean(PbxListener.class)
	@ConditionalOnMissingBean(Pbx.class)
	AsteriskPbx asteriskPbx(AsteriskSettings settings, PbxListener listener, ObjectProvider<Clock> clock) {
		return new AsteriskPbx(settings, listener, clock.getIfUnique(Clock::systemUTC));
	}

}
