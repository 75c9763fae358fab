package ackline.console;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

import ackline.localrun.LocalRun;
import ackline.localrun.LocalStack;
import ackline.testing.Api;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The consoles in a real Chromium (Debian's {@code chromium} and {@code chromium-driver}, driven by Selenium), against
 * the app started as the local run starts it (simulated PBX, the {@code /simulator} page): an agent signs in, takes a
 * task, dials; the client answers on the simulator page in a browser of its own; the agent hangs up and records the
 * disposition, while the supervisor's wallboard follows without a reload; the supervisor then plays the recording,
 * seeks in it and scores the call. An agent is refused the supervisor's console. Screenshots of both consoles go to
 * {@code docs/screenshots/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTests {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private static final Duration PATIENCE = Duration.ofSeconds(30);

	static LocalStack stack;

	static ConfigurableApplicationContext app;

	static Api api;

	static String base;

	static WebDriver agent;

	static WebDriver supervisor;

	static WebDriver phone;

	// the call-back the agent works in the ordered tests below
	static final String clientId = "C" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();

	static final String localPhone = "139" + String.format("%08d", ThreadLocalRandom.current().nextInt(100_000_000));

	static String taskId;

	static String callId;

	@BeforeAll
	static void start() {
		boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
		String why = "Chromium and chromedriver (Debian packages chromium, chromium-driver) are installed";
		if ("true".equals(System.getenv("CI"))) {
			// CI installs them (.ci/run): there a missing browser is a failure, never a silent skip
			org.assertj.core.api.Assertions.assertThat(installed).as(why).isTrue();
		}
		assumeThat(installed).as(why).isTrue();
		stack = LocalStack.start(LocalStack.Settings.forTests());
		app = LocalRun.startApp(stack, "--spring.main.banner-mode=off");
		api = new Api(stack.appPort());
		base = "http://localhost:" + stack.appPort();
		await().atMost(PATIENCE).until(() -> stack.pbx().managerConnections() > 0);
		agent = browser();
		supervisor = browser();
		phone = browser();
	}

	@AfterAll
	static void stop() {
		for (WebDriver driver : new WebDriver[] { agent, supervisor, phone }) {
			if (driver != null) {
				driver.quit();
			}
		}
		if (app != null) {
			app.close();
		}
		if (stack != null) {
			stack.close();
		}
	}

	@Test
	@Order(1)
	void anAgentIsRefusedTheSupervisorsConsole() {
		assertThat(api.get("/supervisor", "agent1").status()).isEqualTo(403);
		assertThat(api.get("/agent", "supervisor1").status()).isEqualTo(403);
		assertThat(api.get("/supervisor", "auditor1").status()).isEqualTo(200);
		Api.Reply page = api.get("/agent", "agent1");
		assertThat(page.status()).isEqualTo(200);
		// the consoles run only their own scripts (the live socket, recordings and API are same-origin: they still work)
		assertThat(page.headers().entrySet()).anySatisfy(h -> {
			assertThat(h.getKey()).isEqualToIgnoringCase("Content-Security-Policy");
			assertThat(h.getValue().get(0)).contains("script-src 'self'").contains("frame-ancestors 'none'");
		});

		signIn(agent, "agent1");
		assertThat(agent.getCurrentUrl()).as("an agent lands on the agent console").endsWith("/agent");
		// Chinese by default; the English switch relabels the page, is remembered across a reload, and switches back
		waitFor(agent, d -> testId(d, "take-next").getText().equals("接下一个任务"));
		click(agent, "lang-switch");
		waitFor(agent, d -> testId(d, "take-next").getText().equals("Take next task"));
		agent.navigate().refresh();
		waitFor(agent, d -> testId(d, "take-next").getText().equals("Take next task"));
		click(agent, "lang-switch");
		waitFor(agent, d -> testId(d, "take-next").getText().equals("接下一个任务"));
		agent.get(base + "/supervisor");
		assertThat(agent.findElement(By.tagName("body")).getText()).contains("403");
		assertThat(agent.findElements(By.id("wallboard"))).isEmpty();
	}

	@Test
	@Order(2)
	void anAgentWorksACallBackWhileTheWallboardFollowsLive() {
		signIn(supervisor, "supervisor1");
		assertThat(supervisor.getCurrentUrl()).as("a supervisor lands on the supervisor console").contains("/supervisor");
		waitFor(supervisor, d -> "live".equals(d.findElement(By.id("live-status")).getAttribute("data-status")));
		// a mark that only survives as long as the page is not reloaded
		js(supervisor, "window.__sameWallboardPage = true;");

		// the client's phone: answered by hand on the simulator page
		phone.get(base + "/simulator");
		WebElement byHand = phone.findElement(By.id("answer-by-hand"));
		waitFor(phone, d -> !d.findElement(By.id("answering-hint")).getText().isBlank());
		if (!byHand.isSelected()) {
			byHand.click();
		}
		await().atMost(PATIENCE).until(() -> stack.answersByHand());

		Map<String, Object> task = new LinkedHashMap<>();
		task.put("type", "NEW_ACCOUNT");
		task.put("clientId", clientId);
		task.put("clientName", "钱七");
		task.put("phone", localPhone);
		task.put("openedOn", LocalDate.now(ZoneId.of("Asia/Shanghai")).toString());
		task.put("agentId", "agent1");
		task.put("idempotencyKey", UUID.randomUUID().toString());
		Api.Reply created = api.post("/api/v1/callbacks", "system", task);
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		taskId = created.json().get("id").asText();

		// a margin call to another client: the wallboard's notice feed shows it
		Map<String, Object> notice = new LinkedHashMap<>();
		notice.put("type", "MARGIN_CALL");
		notice.put("clientId", clientId + "N");
		notice.put("clientName", "张三");
		notice.put("phone", "138" + localPhone.substring(3));
		notice.put("channels", List.of("SMS"));
		notice.put("params", Map.of("ratio", "128%", "shortfall", "52,000.00", "deadline", "2026-11-24 15:00"));
		Api.Reply sent = api.post("/api/v1/notices", "system", notice);
		assertThat(sent.status()).as(sent.body()).isEqualTo(202);
		waitFor(supervisor, d -> d.findElements(By.cssSelector("[data-testid=notice-row]")).stream()
			.anyMatch(r -> r.getText().contains(clientId + "N")));

		// the agent: available, takes the task
		agent.get(base + "/agent");
		waitFor(agent, d -> "live".equals(d.findElement(By.id("live-status")).getAttribute("data-status")));
		click(agent, "set-available");
		waitFor(agent, d -> "AVAILABLE".equals(testId(d, "agent-state").getAttribute("data-state")));
		waitFor(supervisor, d -> "AVAILABLE".equals(agentRowState(d, "agent1")));

		waitFor(agent, d -> !d.findElements(By.cssSelector("[data-testid=queue-row][data-task-id='" + taskId + "']")).isEmpty());
		click(agent, "take-next");
		waitFor(agent, d -> testId(d, "current-task").isDisplayed()
				&& taskId.equals(testId(d, "current-task").getAttribute("data-task-id")));
		assertThat(testId(agent, "task-client").getText()).isEqualTo("钱七");
		assertThat(agent.findElements(By.cssSelector("[data-question=identity]"))).hasSize(1);
		waitFor(agent, d -> !d.findElements(By.cssSelector("[data-testid=history-tasks] li")).isEmpty());

		// another task reserved for the agent joins the queue preview, without a reload
		Map<String, Object> next = new LinkedHashMap<>(task);
		next.put("type", "MARGIN_CALL_FOLLOWUP");
		next.put("clientId", clientId + "B");
		next.put("clientName", "赵六");
		next.put("phone", "137" + localPhone.substring(3));
		next.remove("openedOn");
		next.put("idempotencyKey", UUID.randomUUID().toString());
		Api.Reply queued = api.post("/api/v1/callbacks", "system", next);
		assertThat(queued.status()).as(queued.body()).isEqualTo(201);
		String queuedId = queued.json().get("id").asText();
		waitFor(agent, d -> !d.findElements(By.cssSelector("[data-testid=queue-row][data-task-id='" + queuedId + "']")).isEmpty());

		// a note on the task
		testId(agent, "note-text").sendKeys("客户要求下午回电 / asked for an afternoon call");
		click(agent, "add-note");
		waitFor(agent, d -> d.findElements(By.cssSelector("[data-testid=task-note]")).stream()
			.anyMatch(n -> n.getText().contains("客户要求下午回电")));

		// dial: the client's phone rings on the simulator page, where the client answers
		click(agent, "dial");
		String number = "+86" + localPhone;
		WebElement address = phone.findElement(By.id("open-address"));
		address.clear();
		address.sendKeys(number);
		phone.findElement(By.cssSelector("#open-form button[type=submit]")).click();
		waitFor(phone, d -> d.findElement(By.id("call-answer")).isDisplayed());
		phone.findElement(By.id("call-answer")).click();

		waitFor(agent, d -> "ANSWERED".equals(testId(d, "call-state").getAttribute("data-state")));
		assertThat(testId(agent, "recording-indicator").isDisplayed()).as("the recording indicator").isTrue();
		assertThat(testId(agent, "recording-indicator").getText()).containsAnyOf("录音中", "Recording");
		waitFor(agent, d -> testId(d, "call-timer").getText().matches("\\d\\d:\\d\\d"));
		callId = testId(agent, "hangup").getAttribute("data-call-id");
		assertThat(callId).isNotBlank();

		// the wallboard, without a reload: agent1 on the phone, the call among the calls in progress
		waitFor(supervisor, d -> "ON_CALL".equals(agentRowState(d, "agent1")));
		waitFor(supervisor, d -> !d.findElements(By.cssSelector("[data-testid=call-row][data-call-id='" + callId + "']")).isEmpty());
		js(agent, "document.getElementById('toasts').replaceChildren();");
		screenshot(agent, "agent-console.png");
		screenshot(supervisor, "supervisor-console.png");

		// hang up; the disposition form asks for the script's required answers before anything is sent
		click(agent, "hangup");
		waitFor(agent, d -> "WRAP_UP".equals(testId(d, "task-state").getAttribute("data-state")));
		waitFor(agent, d -> testId(d, "save-disposition").isEnabled());
		new Select(testId(agent, "disposition")).selectByValue("REACHED_CONFIRMED");
		click(agent, "save-disposition");
		WebElement identityError = agent.findElement(By.cssSelector("[data-error-for='answers.identity']"));
		assertThat(identityError.isDisplayed()).isTrue();
		assertThat(testId(agent, "answer-identity").getAttribute("aria-invalid")).isEqualTo("true");
		assertThat(api.get("/api/v1/callbacks/" + taskId, "supervisor1").json().get("state").asText())
			.as("nothing was sent").isEqualTo("WRAP_UP");

		for (WebElement yes : agent.findElements(By.cssSelector("[data-testid$='-yes']"))) {
			yes.click();
		}
		testId(agent, "disposition-notes").sendKeys("本人确认开户");
		click(agent, "save-disposition");
		waitFor(agent, d -> testId(d, "last-result").isDisplayed()
				&& "DONE".equals(testId(d, "last-result").getAttribute("data-state")));
		JsonNode done = api.get("/api/v1/callbacks/" + taskId, "supervisor1").json();
		assertThat(done.get("state").asText()).isEqualTo("DONE");
		assertThat(done.get("disposition").asText()).isEqualTo("REACHED_CONFIRMED");
		assertThat(done.get("answers").get("identity").asText()).isIn("是", "Yes");

		waitFor(supervisor, d -> !"ON_CALL".equals(agentRowState(d, "agent1")));
		assertThat(js(supervisor, "return window.__sameWallboardPage === true;")).as("the wallboard was never reloaded")
			.isEqualTo(true);
	}

	@Test
	@Order(3)
	void theSupervisorPlaysTheRecordingSeeksInItAndScoresTheCall() {
		assertThat(callId).as("the call of the previous test").isNotNull();
		await().atMost(PATIENCE).pollInterval(Duration.ofMillis(250)).until(() -> {
			JsonNode call = api.get("/api/v1/calls/" + callId, "supervisor1").json();
			return "STORED".equals(call.path("recording").path("state").asText());
		});

		testId(supervisor, "tab-recordings").click();
		WebElement client = testId(supervisor, "search-client");
		client.clear();
		client.sendKeys(clientId);
		testId(supervisor, "search-submit").click();
		By row = By.cssSelector("[data-testid=recording-row][data-call-id='" + callId + "']");
		waitFor(supervisor, d -> {
			d.findElement(row).click();
			return true;
		});
		waitFor(supervisor, d -> testId(d, "recording-detail").isDisplayed());

		// the audio element loads the WAV through the API and seeks in it (HTTP Range)
		waitFor(supervisor, d -> ((Number) js(d, "return document.getElementById('player').readyState;")).intValue() >= 1);
		double duration = ((Number) js(supervisor, "return document.getElementById('player').duration;")).doubleValue();
		assertThat(duration).isGreaterThan(0);
		double target = duration / 2;
		js(supervisor, "document.getElementById('player').currentTime = arguments[0];", target);
		waitFor(supervisor, d -> ((Number) js(d, "return document.getElementById('player').currentTime;")).doubleValue() > 0);

		// the scorecard: every criterion from the API, scored and saved
		waitFor(supervisor, d -> "true".equals(testId(d, "scorecard-form").getAttribute("data-ready")));
		assertThat(supervisor.findElements(By.cssSelector("#criteria-rows input[type=number]"))).hasSize(5);
		List<WebElement> scores = supervisor.findElements(By.cssSelector("#criteria-rows input[type=number]"));
		int total = 0;
		for (WebElement score : scores) {
			int max = Integer.parseInt(score.getAttribute("max"));
			int given = max - 2;
			score.clear();
			score.sendKeys(Integer.toString(given));
			total += given;
		}
		testId(supervisor, "score-comment").sendKeys("语速适中，风险揭示完整");
		testId(supervisor, "save-scorecard").click();
		waitFor(supervisor, d -> "true".equals(testId(d, "scorecard-latest").getAttribute("data-saved")));
		JsonNode scorecard = api.get("/api/v1/calls/" + callId + "/scorecard", "supervisor1").json();
		assertThat(scorecard.get("total").asInt()).isEqualTo(total);
		assertThat(scorecard.get("scoredBy").asText()).isEqualTo("supervisor1");
	}

	@Test
	@Order(4)
	void anAuditorPutsTheRecordingOnLegalHoldAndExportsTheClientsEvidenceFollowingItLive() {
		assertThat(callId).as("the call of the earlier test").isNotNull();
		WebDriver auditor = browser();
		try {
			signIn(auditor, "auditor1");
			waitFor(auditor, d -> d.getCurrentUrl().contains("/supervisor"));
			click(auditor, "tab-recordings");
			WebElement client = testId(auditor, "search-client");
			waitFor(auditor, d -> client.isDisplayed());
			client.clear();
			client.sendKeys(clientId);
			testId(auditor, "search-submit").click();
			By row = By.cssSelector("[data-testid=recording-row][data-call-id='" + callId + "']");
			waitFor(auditor, d -> {
				d.findElement(row).click();
				return true;
			});
			waitFor(auditor, d -> testId(d, "recording-detail").isDisplayed());

			// a hold needs its reason: refused next to the field, then set
			click(auditor, "legal-hold-toggle");
			waitFor(auditor, d -> d.findElement(By.cssSelector("#hold-form [data-error-for=reason]")).isDisplayed());
			testId(auditor, "legal-hold-reason").sendKeys("监管调查 2026-118");
			click(auditor, "legal-hold-toggle");
			String evidenceId = api.get("/api/v1/calls/" + callId, "auditor1").json().path("recording").path("evidenceId").asText();
			waitFor(auditor, d -> api.get("/api/v1/recordings/" + evidenceId, "auditor1").json().path("legalHold").asBoolean());

			// the export's progress arrives on the auditor's own live stream; the page never asks for it
			click(auditor, "export-client");
			waitFor(auditor, d -> testId(d, "export-download").isDisplayed());
			assertThat(testId(auditor, "export-status").getAttribute("data-state")).isEqualTo("DONE");
			String href = testId(auditor, "export-download").getAttribute("href");
			assertThat(href).contains("/api/v1/evidence/exports/").endsWith("/bundle");
			assertThat(api.get(URI.create(href).getPath(), "auditor1").status()).isEqualTo(200);
		}
		finally {
			auditor.quit();
		}
	}

	// ------------------------------------------------------------------ helpers

	/**
	 * Debian's Chromium through Debian's chromedriver, both named: Selenium Manager is never asked to find or fetch
	 * either. The page's viewport is 1440×900 for the screenshots.
	 */
	private static WebDriver browser() {
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
				"--window-size=1440,900", "--lang=zh-CN", "--autoplay-policy=no-user-gesture-required");
		ChromeDriver driver = new ChromeDriver(service, options);
		driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
				Map.of("width", 1440, "height", 900, "deviceScaleFactor", 1, "mobile", false));
		driver.manage().timeouts().scriptTimeout(PATIENCE);
		return driver;
	}

	private static void signIn(WebDriver driver, String user) {
		driver.get(base + "/login");
		driver.findElement(By.id("username")).sendKeys(user);
		driver.findElement(By.id("password")).sendKeys(user);
		driver.findElement(By.cssSelector("button[type=submit]")).click();
		waitFor(driver, d -> !d.getCurrentUrl().contains("/login"));
	}

	private static <T> T waitFor(WebDriver driver, Function<WebDriver, T> condition) {
		return new WebDriverWait(driver, PATIENCE, Duration.ofMillis(100))
			.ignoring(org.openqa.selenium.NoSuchElementException.class)
			.ignoring(org.openqa.selenium.StaleElementReferenceException.class)
			.until(condition::apply);
	}

	private static WebElement testId(WebDriver driver, String id) {
		return driver.findElement(By.cssSelector("[data-testid='" + id + "']"));
	}

	private static void click(WebDriver driver, String id) {
		WebElement button = testId(driver, id);
		waitFor(driver, d -> button.isEnabled());
		button.click();
	}

	private static String agentRowState(WebDriver driver, String agentId) {
		List<WebElement> rows = driver.findElements(By.cssSelector("[data-testid=agent-row][data-agent-id='" + agentId + "']"));
		return rows.isEmpty() ? null : rows.get(0).getAttribute("data-state");
	}

	private static Object js(WebDriver driver, String script, Object... args) {
		return ((JavascriptExecutor) driver).executeScript(script, args);
	}

	/**
	 * Into {@code target/screenshots}; with {@code -Dackline.screenshots.update=true} into the repository's
	 * {@code docs/screenshots} (the README's), so an ordinary run leaves the checkout as it was.
	 */
	private static void screenshot(WebDriver driver, String name) {
		boolean update = Boolean.getBoolean("ackline.screenshots.update");
		Path here = Path.of("").toAbsolutePath(); // the tests run in web/
		Path repository = here.getFileName() != null && here.getFileName().toString().equals("web") ? here.getParent() : here;
		Path file = (update ? repository.resolve("docs") : here.resolve("target")).resolve("screenshots").resolve(name);
		try {
			Files.createDirectories(file.getParent());
			Files.write(file, ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES));
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		assertThat(file).isNotEmptyFile();
	}

}
