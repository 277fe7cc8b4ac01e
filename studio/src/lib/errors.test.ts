import { describe, expect, it } from "vitest";
import {
  ApiError,
  apiErrorFromResponse,
  describeError,
  formatRetryAfter,
  parseRetryAfter,
  SessionExpiredError,
  storageErrorFromXml,
} from "./errors";

describe("API errors in words", () => {
  it("shows the API's own message", () => {
    const error = apiErrorFromResponse(new Response(null, { status: 404 }), { message: "Episode not found" });
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(404);
    expect(describeError(error)).toBe("Episode not found");
  });

  it("names the status when the answer has no message", () => {
    const error = apiErrorFromResponse(new Response(null, { status: 502, statusText: "Bad Gateway" }), "<html>");
    expect(describeError(error)).toBe("The server answered 502 Bad Gateway");
  });

  it("says when to try again after a 429", () => {
    const response = new Response(null, { status: 429, headers: { "Retry-After": "60" } });
    const error = apiErrorFromResponse(response, { message: "limitRendersPerDay reached (100 a day)." });
    expect(error.retryAfterSeconds).toBe(60);
    expect(describeError(error)).toBe("limitRendersPerDay reached (100 a day). Try again in 60 seconds.");
    expect(describeError(new ApiError(429, "Too many", 7200))).toBe("Too many. Try again in 2 hours.");
    expect(describeError(new ApiError(429, "Too many"))).toBe("Too many. Try again later.");
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = new Date("2026-01-01T23:00:00Z");
    expect(parseRetryAfter("120", now)).toBe(120);
    expect(parseRetryAfter("Fri, 02 Jan 2026 00:00:00 GMT", now)).toBe(3600);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(formatRetryAfter(1)).toBe("in 1 second");
    expect(formatRetryAfter(600)).toBe("in 10 minutes");
  });

  it("explains storage's refusal of a transcript too large", () => {
    const xml =
      "<?xml version='1.0'?><Error><Code>EntityTooLarge</Code><Message>Your proposed upload exceeds the maximum allowed size</Message>" +
      "<ProposedSize>11534336</ProposedSize><MaxSizeAllowed>10485760</MaxSizeAllowed></Error>";
    const error = storageErrorFromXml(400, xml);
    expect(error.code).toBe("EntityTooLarge");
    expect(describeError(error)).toBe("Storage refused the file: it is 11.0 MiB, larger than the 10.0 MiB allowed.");
  });

  it("explains other refusals by storage with its code and message", () => {
    const xml = "<Error><Code>AccessDenied</Code><Message>Invalid according to Policy: Policy expired.</Message></Error>";
    expect(describeError(storageErrorFromXml(403, xml))).toBe(
      "Storage refused the upload (AccessDenied): Invalid according to Policy: Policy expired.",
    );
    expect(describeError(storageErrorFromXml(400, "<Error><Code>EntityTooSmall</Code></Error>"))).toBe(
      "Storage refused the file: it is empty.",
    );
  });

  it("says a failed connection and an expired session plainly", () => {
    expect(describeError(new TypeError("Failed to fetch"))).toMatch(/could not reach the server/);
    expect(describeError(new SessionExpiredError())).toBe("Your session has expired: sign in again.");
    expect(describeError("???")).toBe("Something went wrong.");
  });
});
