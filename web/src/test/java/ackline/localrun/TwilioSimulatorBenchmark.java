package ackline.localrun;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.type.PhoneNumber;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How many messages a second the Twilio simulator takes, with a sent and a delivered callback posted for each, so
 * that one can see benchmarks of the app measure the app. Figures are printed, never asserted: this project has no
 * timed assertions. Not in the normal suite: {@code -Dtest=TwilioSimulatorBenchmark -Dsurefire.excludedGroups=}.
 */
@Tag("benchmark")
class TwilioSimulatorBenchmark {

	static final int MESSAGES = 6000;

	static final int CLIENTS = 16;

	@Test
	void messagesASecondWithCallbacks() throws Exception {
		try (TwilioSimulator simulator = TwilioSimulator.start(TwilioSimulator.Settings.defaults()
			.withDelays(Duration.ZERO, Duration.ZERO)); WebhookReceiver app = new WebhookReceiver()) {
			HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();
			String url = simulator.baseUrl() + "/2010-04-01/Accounts/" + simulator.accountSid() + "/Messages.json";
			String auth = "Basic " + Base64.getEncoder()
				.encodeToString((simulator.accountSid() + ":" + simulator.authToken()).getBytes(StandardCharsets.UTF_8));
			String callback = URLEncoder.encode(app.url("/webhooks/twilio/sms-status?attempt=1"), StandardCharsets.UTF_8);
			send(http, url, auth, callback, 500); // warm-up
			awaitCallbacks(simulator, 1000);
			simulator.reset();

			long start = System.nanoTime();
			int created = send(http, url, auth, callback, MESSAGES);
			double seconds = (System.nanoTime() - start) / 1e9;
			double rate = created / seconds;
			System.out.printf("Twilio simulator: %d messages in %.2f s = %.0f messages/s (%d clients; it should take "
					+ "well over the app's goal of 1,000/s, so that the app's benchmark measures the app)%n", created,
					seconds, rate, CLIENTS);

			assertThat(created).isEqualTo(MESSAGES);
			assertThat(simulator.messages()).hasSize(MESSAGES);
			awaitCallbacks(simulator, 2 * MESSAGES);
			long failedAttempts = simulator.callbacks().stream().filter(c -> c.httpStatus() != 200).count();
			System.out.printf("callbacks delivered: %d in %.2f s (%d failed attempts retried)%n",
					delivered(simulator), (System.nanoTime() - start) / 1e9, failedAttempts);
			assertThat(delivered(simulator)).isEqualTo(2 * MESSAGES);
		}
	}

	@Test
	void theTwilioSdkThroughTheRedirectingClient() throws Exception {
		try (TwilioSimulator simulator = TwilioSimulator.start(TwilioSimulator.Settings.defaults()
			.withStatusCallbacks(false))) {
			TwilioRestClient twilio = new TwilioRestClient.Builder(simulator.accountSid(), simulator.authToken())
				.httpClient(new LocalTwilioHttpClient(simulator.baseUrl(), CLIENTS))
				.build();
			ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
			AtomicInteger next = new AtomicInteger();
			long start = System.nanoTime();
			List<Future<?>> workers = new ArrayList<>();
			for (int c = 0; c < CLIENTS; c++) {
				workers.add(pool.submit(() -> {
					int i;
					while ((i = next.getAndIncrement()) < MESSAGES) {
						Message.creator(new PhoneNumber(String.format("+86138%08d", i)), new PhoneNumber("+15005550006"),
								"【Ackline】追加保证金通知 " + i).create(twilio);
					}
				}));
			}
			for (Future<?> worker : workers) {
				worker.get();
			}
			double seconds = (System.nanoTime() - start) / 1e9;
			System.out.printf("Twilio SDK -> simulator: %d messages in %.2f s = %.0f messages/s%n", MESSAGES, seconds,
					MESSAGES / seconds);
			pool.shutdown();
			assertThat(simulator.messages()).hasSize(MESSAGES);
		}
	}

	private static long delivered(TwilioSimulator simulator) {
		return simulator.callbacks().stream().filter(c -> c.httpStatus() == 200).count();
	}

	private static void awaitCallbacks(TwilioSimulator simulator, int count) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (delivered(simulator) < count && System.nanoTime() < deadline) {
			Thread.sleep(50);
		}
	}

	private static int send(HttpClient http, String url, String auth, String callback, int count) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
		AtomicInteger next = new AtomicInteger();
		AtomicInteger created = new AtomicInteger();
		List<Future<?>> workers = new ArrayList<>();
		for (int c = 0; c < CLIENTS; c++) {
			workers.add(pool.submit(() -> {
				int i;
				while ((i = next.getAndIncrement()) < count) {
					String form = "To=%2B86138" + String.format("%08d", i) + "&From=%2B15005550006&Body="
							+ URLEncoder.encode("【Ackline】追加保证金通知 " + i, StandardCharsets.UTF_8) + "&StatusCallback="
							+ callback;
					HttpRequest request = HttpRequest.newBuilder(URI.create(url))
						.header("Authorization", auth)
						.header("Content-Type", "application/x-www-form-urlencoded")
						.POST(HttpRequest.BodyPublishers.ofString(form))
						.build();
					if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 201) {
						created.incrementAndGet();
					}
				}
				return null;
			}));
		}
		for (Future<?> worker : workers) {
			worker.get();
		}
		pool.shutdown();
		return created.get();
	}

}
