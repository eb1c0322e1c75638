"""Tests of the threshold component: the limits, the messages and their shape, the bounded loop."""

import json
import os
import subprocess
import sys
import unittest
from pathlib import Path

from threshold import ANOMALY_TOPIC, SENSOR_TOPIC, Limits, Reading, SimulatedSensor, breaches, messages, run

HERE = Path(__file__).resolve().parent
FIXTURE = HERE.parents[2] / "test" / "fixtures" / "iot-itsm" / "anomaly.json"


class BreachesTest(unittest.TestCase):
    def test_under_and_at_the_limits_is_no_breach(self):
        self.assertEqual(breaches(Reading(29.9, 49.9, 1), Limits()), [])
        self.assertEqual(breaches(Reading(30.0, 50.0, 1), Limits()), [])

    def test_each_limit_on_its_own_and_both(self):
        self.assertEqual(breaches(Reading(30.1, 20, 1), Limits()), ["temperature"])
        self.assertEqual(breaches(Reading(20, 50.5, 1), Limits()), ["humidity"])
        self.assertEqual(breaches(Reading(31, 51, 1), Limits()), ["temperature", "humidity"])

    def test_configured_limits(self):
        limits = Limits.from_configuration({"TemperatureLimit": "25", "HumidityLimit": 70})
        self.assertEqual(limits, Limits(25.0, 70.0))
        self.assertEqual(breaches(Reading(26, 60, 1), limits), ["temperature"])

    def test_bad_configuration_is_refused_with_the_name(self):
        for configuration, needle in [
            ({"TemperatureLimit": "warm"}, "TemperatureLimit"),
            ({"HumidityLimit": 120}, "HumidityLimit"),
            ({"HumidityLimit": True}, "HumidityLimit"),
            ({"TemperatureLimit": float("nan")}, "TemperatureLimit"),
        ]:
            with self.assertRaises(ValueError) as caught:
                Limits.from_configuration(configuration)
            self.assertIn(needle, str(caught.exception))


class MessagesTest(unittest.TestCase):
    def test_a_normal_reading_goes_to_sensor_data_only(self):
        out = messages("sensor-7", Reading(22.5, 41.0, 1764756000000), Limits())
        self.assertEqual(out, [(SENSOR_TOPIC, {"deviceId": "sensor-7", "temperature": 22.5, "humidity": 41.0, "timestamp": 1764756000000})])

    def test_a_breach_also_goes_to_anomaly_in_the_incident_functions_shape(self):
        out = messages("sensor-7", Reading(33.2, 48.0, 1764756000000), Limits())
        self.assertEqual([topic for topic, _ in out], [SENSOR_TOPIC, ANOMALY_TOPIC])
        # The same document the incident function's tests parse (test/fixtures/iot-itsm/anomaly.json).
        expected = json.loads(FIXTURE.read_text())
        self.assertEqual(out[1][1], expected)


class LoopTest(unittest.TestCase):
    def test_bounded_loop_publishes_json_and_counts_anomalies(self):
        readings = iter([Reading(20, 40, 1), Reading(31, 40, 2), Reading(20, 55, 3)])
        published, slept = [], []
        anomalies = run("dev-1", Limits(), lambda: next(readings), lambda t, p: published.append((t, json.loads(p))), 3, slept.append, 5)
        self.assertEqual(anomalies, 2)
        self.assertEqual([t for t, _ in published], [SENSOR_TOPIC, SENSOR_TOPIC, ANOMALY_TOPIC, SENSOR_TOPIC, ANOMALY_TOPIC])
        self.assertEqual(published[4][1]["breached"], ["humidity"])
        self.assertEqual(slept, [5, 5])  # no sleep after the last reading

    def test_simulated_sensor_stays_in_range_and_crosses_the_limits(self):
        sensor = SimulatedSensor(seed=7, clock=lambda: 1764756000.0)
        readings = [sensor.read() for _ in range(2000)]
        self.assertTrue(all(10 <= r.temperature <= 45 and 10 <= r.humidity <= 95 for r in readings))
        self.assertTrue(any(breaches(r, Limits()) for r in readings))
        self.assertTrue(any(not breaches(r, Limits()) for r in readings))
        self.assertEqual(readings[0].timestamp_ms, 1764756000000)


class EntryPointTest(unittest.TestCase):
    def _main(self, *args, env=None):
        return subprocess.run([sys.executable, str(HERE / "main.py"), *args], capture_output=True, text=True, env=env, timeout=30)

    def test_usage_and_bad_configuration_exit_2_with_the_reason(self):
        self.assertEqual(self._main().returncode, 2)
        bad = self._main('{"TemperatureLimit": "hot"}', env={**os.environ, "AWS_IOT_THING_NAME": "dev-1"})
        self.assertEqual(bad.returncode, 2)
        self.assertIn("TemperatureLimit", bad.stderr)

    def test_outside_greengrass_it_says_so(self):
        env = {k: v for k, v in os.environ.items() if k != "AWS_IOT_THING_NAME"}
        result = self._main("{}", env=env)
        self.assertEqual(result.returncode, 2)
        self.assertIn("AWS_IOT_THING_NAME", result.stderr)


if __name__ == "__main__":
    unittest.main()
