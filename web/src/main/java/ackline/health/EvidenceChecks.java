package ackline.health;

import ackline.callback.CallbackQueries;
import ackline.evidence.verify.CallRecordings;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** What evidence verification needs from the dialer: the calls that should have a recording and have none. */
@Configuration(proxyBeanMethods = false)
class EvidenceChecks {

	@Bean
	CallRecordings callRecordings(CallbackQueries queries) {
		return limit -> {
			CallbackQueries.MissingRecordings missing = queries.missingRecordings(limit);
			return new CallRecordings.Missing(missing.calls(), missing.latest());
		};
	}

}
