"""Why a job did not print, in Korean for the cashier and in English for the log.

The cashier is often new to computers: the sentence says what to check, never a setting's name
or an errno. ``retryable`` tells the queue whether waiting can help (a printer switched off)
or not (a wrong printer URL, a device that does not exist), so permanent faults fail at once.
"""

from __future__ import annotations

import errno
import socket

from .target import PrinterTarget, describe

BAD_SETTING = "프린터 설정이 잘못되어 출력할 수 없습니다. 관리자에게 설정 확인을 요청해 주세요."
NO_DRIVER = "프린터에 필요한 프로그램이 설치되어 있지 않습니다. 관리자에게 알려 주세요."
NO_DEVICE = "연결된 프린터 장치를 찾을 수 없습니다. 관리자에게 프린터 설정 확인을 요청해 주세요."
NO_PERMISSION = "프린터를 사용할 권한이 없습니다. 관리자에게 알려 주세요."
USB_MISSING = "USB 프린터를 찾을 수 없습니다. 프린터 전원과 USB 케이블을 확인해 주세요."
REFUSED = "프린터가 연결을 받지 않습니다. 프린터 전원과 네트워크 연결을 확인해 주세요."
UNREACHABLE = "프린터에 연결할 수 없습니다. 프린터 전원과 네트워크 연결을 확인해 주세요."
UNKNOWN_HOST = "네트워크에서 프린터를 찾을 수 없습니다. 프린터 전원과 네트워크를 확인해 주세요."
NO_ANSWER = "프린터가 응답하지 않습니다. 프린터 전원과 연결을 확인해 주세요."
NOT_READING = "프린터가 영수증 데이터를 받지 않습니다. 프린터를 껐다가 켜 주세요."
CLOSED = "프린터가 연결을 끊었습니다. 프린터 전원과 연결을 확인해 주세요."
BUSY = "프린터를 다른 곳에서 쓰고 있습니다. 잠시 후 다시 출력합니다."
UNKNOWN = "프린터 문제로 출력하지 못했습니다. 프린터 전원과 용지를 확인해 주세요."


class PrinterError(Exception):
    """The job did not (provably) print. ``str(e)`` is a Korean sentence for the cashier.

    ``code`` names the fault for programs (``paper_out``, ``refused``, ``bad_url`` ...),
    ``detail`` is the technical reason for the log, ``retryable`` is False when only a person
    fixing the setup can help.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str = "error",
        detail: str = "",
        retryable: bool = True,
        printer_url: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.detail = detail or message
        self.retryable = retryable
        self.printer_url = printer_url


#: errno -> (code, Korean sentence, retryable)
_ERRNO = {
    errno.ECONNREFUSED: ("refused", REFUSED, True),
    errno.EHOSTUNREACH: ("unreachable", UNREACHABLE, True),
    errno.ENETUNREACH: ("unreachable", UNREACHABLE, True),
    errno.EHOSTDOWN: ("unreachable", UNREACHABLE, True),
    errno.ECONNRESET: ("closed", CLOSED, True),
    errno.ECONNABORTED: ("closed", CLOSED, True),
    errno.EPIPE: ("closed", CLOSED, True),
    errno.ETIMEDOUT: ("timeout", NO_ANSWER, True),
    errno.EBUSY: ("busy", BUSY, True),
    errno.EAGAIN: ("busy", BUSY, True),
    errno.ENOENT: ("no_device", NO_DEVICE, False),
    errno.ENODEV: ("no_device", NO_DEVICE, False),
    errno.ENXIO: ("no_device", NO_DEVICE, False),
    errno.ENOTDIR: ("no_device", NO_DEVICE, False),
    errno.EISDIR: ("no_device", NO_DEVICE, False),
    errno.ENOTTY: ("no_device", NO_DEVICE, False),
    errno.EACCES: ("no_permission", NO_PERMISSION, False),
    errno.EPERM: ("no_permission", NO_PERMISSION, False),
    errno.EROFS: ("no_permission", NO_PERMISSION, False),
}


def is_timeout(exc: BaseException) -> bool:
    """A wait ran out: socket, pyserial write or pyusb transfer."""
    return (
        isinstance(exc, TimeoutError | socket.timeout)
        or type(exc).__name__ in ("USBTimeoutError", "SerialTimeoutException")
        or getattr(exc, "errno", None) == errno.ETIMEDOUT
    )


def _os_cause(exc: BaseException) -> BaseException:
    """The OS-level error under python-escpos' wrappers, else ``exc`` itself."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, OSError) or getattr(cause, "errno", None):
            return cause
        cause = cause.__cause__ or cause.__context__
    return exc


def from_exception(exc: BaseException, target: PrinterTarget, url: str) -> PrinterError:
    """Translate whatever the device layer raised into one `PrinterError`."""
    where = describe(target)
    cause = _os_cause(exc)
    detail = f"{where}: {type(cause).__name__}: {cause}"
    if is_timeout(cause) or is_timeout(exc):
        code, message, retryable = "timeout", NO_ANSWER, True
    elif isinstance(cause, socket.gaierror):
        code, message, retryable = "unknown_host", UNKNOWN_HOST, True
    elif isinstance(getattr(cause, "errno", None), int) and cause.errno in _ERRNO:
        code, message, retryable = _ERRNO[cause.errno]
    elif target.scheme == "usb" and "not found" in str(exc).lower():
        # switched off or unplugged looks the same as a wrong id: worth a retry
        code, message, retryable = "usb_missing", USB_MISSING, True
    elif type(exc).__name__ == "NoBackendError":  # pyusb without libusb
        code, message, retryable = "no_driver", NO_DRIVER, False
    elif type(exc).__name__ == "DeviceNotFoundError" and target.scheme in ("serial", "file"):
        # the path is there but is no serial port (e.g. a plain file): a setting to fix
        code, message, retryable = "no_device", NO_DEVICE, False
    else:
        code, message, retryable = "error", UNKNOWN, True
    if code == "no_device" and target.scheme == "usb":
        code, message, retryable = "usb_missing", USB_MISSING, True
    return PrinterError(message, code=code, detail=detail, retryable=retryable, printer_url=url)
