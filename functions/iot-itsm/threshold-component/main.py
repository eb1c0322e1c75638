"""Entry point of the iot-itsm threshold component on a Greengrass V2 core device.

Publishes to AWS IoT Core over Greengrass IPC (awsiotsdk); the recipe's accessControl allows only
the two topics. Configuration comes from the recipe: TemperatureLimit, HumidityLimit,
IntervalSeconds and Readings (0: until the component stops).
"""

import json
import logging
import os
import sys
import time

from threshold import Limits, SimulatedSensor, run, _number

logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")


def main(argv: list) -> int:
    if len(argv) != 2:
        print("usage: main.py '<component configuration as JSON>'", file=sys.stderr)
        return 2
    try:
        configuration = json.loads(argv[1])
        limits = Limits.from_configuration(configuration)
        interval = _number(configuration, "IntervalSeconds", 5)
        readings = int(_number(configuration, "Readings", 0))
    except (ValueError, TypeError) as err:
        print(f"bad component configuration: {err}", file=sys.stderr)
        return 2
    device_id = os.environ.get("AWS_IOT_THING_NAME")
    if not device_id:
        print("AWS_IOT_THING_NAME is not set: run this as a Greengrass V2 component", file=sys.stderr)
        return 2

    # Imported here so that the threshold logic and its tests need no Greengrass.
    from awsiot.greengrasscoreipc.clientv2 import GreengrassCoreIPCClientV2
    from awsiot.greengrasscoreipc.model import QOS

    ipc = GreengrassCoreIPCClientV2()

    def publish(topic: str, payload: bytes) -> None:
        ipc.publish_to_iot_core(topic_name=topic, qos=QOS.AT_LEAST_ONCE, payload=payload)

    logging.info("threshold component for %s: temperature > %s or humidity > %s is an anomaly", device_id, limits.temperature, limits.humidity)
    anomalies = run(device_id, limits, SimulatedSensor().read, publish, readings, time.sleep, interval)
    logging.info("done: %d anomalies published", anomalies)
    ipc.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
