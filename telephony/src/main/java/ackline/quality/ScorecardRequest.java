package ackline.quality;

import java.util.Map;

/**
 * A supervisor's scores for one call: {@code scores} for every {@link Criterion} (whole numbers from 0 to its max),
 * optional {@code comments} per criterion and an overall {@code comment}.
 */
public record ScorecardRequest(Map<String, Object> scores, Map<String, String> comments, String comment) {
}
