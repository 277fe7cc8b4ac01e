import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./config";

const document = {
  apiUrl: "/api",
  region: "us-east-1",
  userPoolId: "us-east-1_abc",
  userPoolClientId: "client",
  cognitoEndpoint: "https://cognito-idp.us-east-1.amazonaws.com/",
};

describe("config.json", () => {
  it("resolves a relative apiUrl against the studio's origin", () => {
    expect(parseConfig(document, "https://studio.example").apiUrl).toBe("https://studio.example/api");
    expect(parseConfig({ ...document, apiUrl: "https://api.example/api/" }, "https://studio.example").apiUrl).toBe(
      "https://api.example/api",
    );
  });

  it("names what is missing", () => {
    expect(() => parseConfig({ ...document, userPoolId: "" }, "https://studio.example")).toThrow(
      new ConfigError("config.json lacks userPoolId"),
    );
    expect(() => parseConfig([], "https://studio.example")).toThrow(ConfigError);
  });
});
