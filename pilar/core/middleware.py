"""API clients always get JSON, even for errors raised outside django-ninja."""

from django.http import JsonResponse

API_PREFIX = "/api/"
MESSAGES = {
    404: "Alamat API tidak ditemukan.",
    405: "Metode HTTP ini tidak didukung untuk alamat ini.",
}


class ApiJsonErrorsMiddleware:
    """Django answers an unknown path with an HTML 404 and ninja a wrong method with
    a plain-text 405; turn both into the API's JSON error shape."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code in MESSAGES
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            replacement = JsonResponse(
                {"message": MESSAGES[response.status_code]}, status=response.status_code
            )
            if response.has_header("Allow"):
                replacement["Allow"] = response["Allow"]
            return replacement
        return response
