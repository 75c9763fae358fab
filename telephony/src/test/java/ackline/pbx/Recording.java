package ackline.pbx;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One MixMonitor on a channel: remembers what was heard when (ringback, talk, silence, key tones) and, when it stops,
 * writes a real WAV file (RIFF, PCM 16-bit mono 8 kHz) as long as the recording lasted. The file is written under a
 * temporary name and renamed, so whoever sees MixMonitorStop finds it complete.
 */
final class Recording {

	/** What the recording hears from a moment on. */
	enum Sound {

		/** China's ringback: 450 Hz, one second on, four off. */
		RINGBACK,
		/** Two people talking, approximated by a low, syllable-modulated tone. */
		TALK,
		/** A prompt played by the IVR. */
		PROMPT,
		SILENCE

	}

	static final int SAMPLE_RATE = 8000;

	private static final double AMPLITUDE = 0.12 * Short.MAX_VALUE;

	private static final long DTMF_NANOS = 120_000_000L;

	private record Mark(long atNanos, Sound sound) {
	}

	private record Tone(long atNanos, char digit) {
	}

	final Path file;

	final String fileName;

	private final long startNanos;

	private final List<Mark> marks = new ArrayList<>();

	private final List<Tone> tones = new ArrayList<>();

	private boolean stopped;

	Recording(Path file, String fileName, Sound initial) {
		this.file = file;
		this.fileName = fileName;
		this.startNanos = System.nanoTime();
		this.marks.add(new Mark(this.startNanos, initial));
	}

	synchronized void hear(Sound sound) {
		if (!this.stopped) {
			this.marks.add(new Mark(System.nanoTime(), sound));
		}
	}

	synchronized void key(char digit) {
		if (!this.stopped) {
			this.tones.add(new Tone(System.nanoTime(), digit));
		}
	}

	/**
	 * Ends the recording now and writes the file; false when it was already stopped (StopMixMonitor, then hangup).
	 */
	boolean stop() {
		List<Mark> marks;
		List<Tone> tones;
		long endNanos;
		synchronized (this) {
			if (this.stopped) {
				return false;
			}
			this.stopped = true;
			endNanos = System.nanoTime();
			marks = List.copyOf(this.marks);
			tones = List.copyOf(this.tones);
		}
		write(marks, tones, endNanos);
		return true;
	}

	private void write(List<Mark> marks, List<Tone> tones, long endNanos) {
		long samples = Math.max(0, (endNanos - this.startNanos) * SAMPLE_RATE / 1_000_000_000L);
		try {
			Path directory = this.file.toAbsolutePath().getParent();
			Files.createDirectories(directory);
			Path temporary = directory.resolve("." + this.file.getFileName() + "." + UUID.randomUUID() + ".part");
			try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temporary), 64 * 1024)) {
				writeHeader(out, samples);
				int markIndex = 0;
				byte[] chunk = new byte[SAMPLE_RATE * 2];
				int filled = 0;
				for (long i = 0; i < samples; i++) {
					long at = this.startNanos + i * 1_000_000_000L / SAMPLE_RATE;
					while (markIndex + 1 < marks.size() && marks.get(markIndex + 1).atNanos() <= at) {
						markIndex++;
					}
					Mark mark = marks.get(markIndex);
					double value = sample(mark.sound(), (at - mark.atNanos()) / 1e9, toneAt(tones, at));
					short pcm = (short) Math.round(value);
					chunk[filled++] = (byte) pcm;
					chunk[filled++] = (byte) (pcm >> 8);
					if (filled == chunk.length) {
						out.write(chunk);
						filled = 0;
					}
				}
				out.write(chunk, 0, filled);
			}
			try {
				Files.move(temporary, this.file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			catch (AtomicMoveNotSupportedException ex) {
				Files.move(temporary, this.file, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write the recording " + this.file, ex);
		}
	}

	private static Tone toneAt(List<Tone> tones, long at) {
		for (Tone tone : tones) {
			if (at >= tone.atNanos() && at < tone.atNanos() + DTMF_NANOS) {
				return tone;
			}
		}
		return null;
	}

	private static double sample(Sound sound, double seconds, Tone tone) {
		if (tone != null) {
			double[] pair = dtmf(tone.digit());
			return AMPLITUDE * (Math.sin(2 * Math.PI * pair[0] * seconds) + Math.sin(2 * Math.PI * pair[1] * seconds))
					/ 2;
		}
		return switch (sound) {
			case RINGBACK -> (seconds % 5.0) < 1.0 ? AMPLITUDE * Math.sin(2 * Math.PI * 450 * seconds) : 0;
			case TALK -> AMPLITUDE * 0.8 * Math.abs(Math.sin(2 * Math.PI * 3 * seconds))
					* Math.sin(2 * Math.PI * 220 * seconds);
			case PROMPT -> AMPLITUDE * 0.6 * Math.sin(2 * Math.PI * 660 * seconds);
			case SILENCE -> 0;
		};
	}

	/** The row and column frequencies of a DTMF key. */
	private static double[] dtmf(char digit) {
		String keys = "123A456B789C*0#D";
		int index = Math.max(0, keys.indexOf(digit));
		double[] rows = { 697, 770, 852, 941 };
		double[] columns = { 1209, 1336, 1477, 1633 };
		return new double[] { rows[index / 4], columns[index % 4] };
	}

	private static void writeHeader(OutputStream out, long samples) throws IOException {
		long dataBytes = samples * 2;
		out.write(new byte[] { 'R', 'I', 'F', 'F' });
		writeInt(out, (int) (36 + dataBytes));
		out.write(new byte[] { 'W', 'A', 'V', 'E', 'f', 'm', 't', ' ' });
		writeInt(out, 16);
		writeShort(out, 1);
		writeShort(out, 1);
		writeInt(out, SAMPLE_RATE);
		writeInt(out, SAMPLE_RATE * 2);
		writeShort(out, 2);
		writeShort(out, 16);
		out.write(new byte[] { 'd', 'a', 't', 'a' });
		writeInt(out, (int) dataBytes);
	}

	private static void writeInt(OutputStream out, int value) throws IOException {
		out.write(value);
		out.write(value >> 8);
		out.write(value >> 16);
		out.write(value >> 24);
	}

	private static void writeShort(OutputStream out, int value) throws IOException {
		out.write(value);
		out.write(value >> 8);
	}

}
