"""The threshold logic of the iot-itsm Greengrass V2 component, with no Greengrass in it.

Every reading goes to IoTBlog/sensorData; a reading over a limit also goes to IoTBlog/anomaly, in
the shape the cloud's incident function takes (functions/iot-itsm/incident/anomaly.ts).
"""

import json
import math
import random
import time
from dataclasses import dataclass
from typing import Callable, Optional

SENSOR_TOPIC = "IoTBlog/sensorData"
ANOMALY_TOPIC = "IoTBlog/anomaly"


@dataclass(frozen=True)
class Limits:
    temperature: float = 30.0
    humidity: float = 50.0

    @staticmethod
    def from_configuration(configuration: dict) -> "Limits":
        """Limits from the component configuration (TemperatureLimit, HumidityLimit), checked."""
        limits = Limits(
            temperature=_number(configuration, "TemperatureLimit", Limits.temperature),
            humidity=_number(configuration, "HumidityLimit", Limits.humidity),
        )
        if not 0 <= limits.humidity <= 100:
            raise ValueError(f"HumidityLimit is {limits.humidity}: a relative humidity from 0 to 100")
        return limits


@dataclass(frozen=True)
class Reading:
    temperature: float
    humidity: float
    timestamp_ms: int


def _number(configuration: dict, name: str, default: float) -> float:
    value = configuration.get(name, default)
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise ValueError(f"{name} is {value!r}, not a number") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{name} is {value!r}, not a number")
    return float(value)


def breaches(reading: Reading, limits: Limits) -> list:
    """The measures over their limit; a reading at the limit is no breach."""
    found = []
    if reading.temperature > limits.temperature:
        found.append("temperature")
    if reading.humidity > limits.humidity:
        found.append("humidity")
    return found


def messages(device_id: str, reading: Reading, limits: Limits) -> list:
    """The (topic, payload) pairs to publish for one reading."""
    sensor = {
        "deviceId": device_id,
        "temperature": reading.temperature,
        "humidity": reading.humidity,
        "timestamp": reading.timestamp_ms,
    }
    out = [(SENSOR_TOPIC, sensor)]
    breached = breaches(reading, limits)
    if breached:
        anomaly = dict(sensor, breached=breached, limits={"temperature": limits.temperature, "humidity": limits.humidity})
        out.append((ANOMALY_TOPIC, anomaly))
    return out


class SimulatedSensor:
    """A sensor stand-in for the demo: a bounded random walk that now and then crosses the limits."""

    def __init__(self, seed: Optional[int] = None, clock: Callable[[], float] = time.time):
        self._random = random.Random(seed)
        self._clock = clock
        self._temperature = 24.0
        self._humidity = 40.0

    def read(self) -> Reading:
        self._temperature = min(45.0, max(10.0, self._temperature + self._random.uniform(-1.5, 1.8)))
        self._humidity = min(95.0, max(10.0, self._humidity + self._random.uniform(-3.0, 3.5)))
        return Reading(round(self._temperature, 1), round(self._humidity, 1), int(self._clock() * 1000))


def run(device_id: str, limits: Limits, read: Callable[[], Reading], publish: Callable[[str, bytes], None], readings: int, sleep: Callable[[float], None], interval_seconds: float) -> int:
    """Reads and publishes `readings` times (bounded: 0 means until stopped); returns the anomalies sent."""
    anomalies = 0
    count = 0
    while readings == 0 or count < readings:
        for topic, payload in messages(device_id, read(), limits):
            publish(topic, json.dumps(payload, separators=(",", ":")).encode())
            if topic == ANOMALY_TOPIC:
                anomalies += 1
        count += 1
        if readings == 0 or count < readings:
            sleep(interval_seconds)
    return anomalies
